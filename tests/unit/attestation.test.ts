import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attestationSchema, CANCEL_REASON_MEANING_KEYS, CANCEL_REASONS, consultationKey, type Attestation } from '../../src/shared/domain/attestation.js';
import { isValidCbe, normaliseCbe } from '../../src/shared/domain/identifiers.js';

const PROVIDER = '10012345001';

function attestation(overrides: Partial<Attestation> = {}): Attestation {
  return attestationSchema.parse({
    patient: { ssin: '85073003328', firstName: 'Jan', lastName: 'Janssens' },
    careDate: '2026-11-25',
    collectingEntityCbe: '0820563481',
    patientPaidCents: 3000,
    acts: [
      { code: '101076', quantity: 1, serviceDate: '2026-11-25', amountPaidCents: 2500 },
      { code: '102432', quantity: 1, serviceDate: '2026-11-25' },
      { code: '371011', quantity: 2, serviceDate: '2026-11-25', tooth: '36', side: 'left' },
    ],
    ...overrides,
  });
}

describe('CBE numbers', () => {
  it('accepts valid numbers, with or without dots and a BE prefix', () => {
    expect(isValidCbe('0820563481')).toBe(true);
    expect(normaliseCbe('BE 0820.563.481')).toBe('0820563481');
  });

  it('refuses a bad check number, a wrong length or a first digit other than 0 or 1', () => {
    expect(isValidCbe('0820563482')).toBe(false);
    expect(isValidCbe('820563481')).toBe(false);
    expect(isValidCbe('2820563481')).toBe(false);
    expect(normaliseCbe('BE0820563480')).toBeUndefined();
  });
});

describe('the attestation schema', () => {
  it('accepts a GP consultation with acts, and amounts in cents', () => {
    expect(attestation().acts).toHaveLength(3);
  });

  it('refuses what MyCareNet would refuse or what makes no sense', () => {
    const base = attestation();
    const refuse = (value: unknown) => expect(attestationSchema.safeParse(value).success).toBe(false);
    refuse({ ...base, acts: [] });
    refuse({ ...base, patientPaidCents: -1 });
    refuse({ ...base, patientPaidCents: 12.5 });
    refuse({ ...base, collectingEntityCbe: '0820563482' });
    refuse({ ...base, patient: { ...base.patient, ssin: '85073003329' } });
    refuse({ ...base, acts: [{ ...base.acts[0], code: '10107' }] });
    refuse({ ...base, acts: [{ ...base.acts[0], quantity: 0 }] });
    refuse({ ...base, acts: [{ ...base.acts[0], tooth: '19' }] });
    refuse({ ...base, acts: [{ ...base.acts[0], prescriberNihii: '1234' }] });
    refuse({ ...base, unexpected: true });
  });

  it('requires every act on the day of care', () => {
    const base = attestation();
    const result = attestationSchema.safeParse({ ...base, acts: [{ ...base.acts[0], serviceDate: '2026-11-24' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['acts', 0, 'serviceDate']);
  });
});

describe('consultationKey', () => {
  it('is a stable SHA-256 in hex', async () => {
    const key = await consultationKey(PROVIDER, attestation());
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await consultationKey(PROVIDER, attestation())).toBe(key);
  });

  it('does not depend on the order of the acts, nor on amounts and names', async () => {
    const base = attestation();
    const key = await consultationKey(PROVIDER, base);
    expect(await consultationKey(PROVIDER, { ...base, acts: [...base.acts].reverse() })).toBe(key);
    expect(await consultationKey(PROVIDER, { ...base, patientPaidCents: 4200, patient: { ...base.patient, firstName: 'Johannes' } })).toBe(key);
  });

  it('changes with the provider, the patient, the day or the acts', async () => {
    const base = attestation();
    const key = await consultationKey(PROVIDER, base);
    const others = await Promise.all([
      consultationKey('10012345002', base),
      consultationKey(PROVIDER, { ...base, patient: { ...base.patient, ssin: '92010145695' } }),
      consultationKey(PROVIDER, { ...base, careDate: '2026-11-26', acts: base.acts.map((act) => ({ ...act, serviceDate: '2026-11-26' })) }),
      consultationKey(PROVIDER, { ...base, acts: base.acts.slice(1) }),
      consultationKey(PROVIDER, { ...base, acts: base.acts.map((act) => (act.tooth === undefined ? act : { ...act, tooth: '46' })) }),
    ]);
    expect(new Set([key, ...others]).size).toBe(6);
  });

  it('refuses a provider that is not an 11-digit NIHII', async () => {
    await expect(consultationKey('1001234', attestation())).rejects.toThrow();
  });
});

describe('cancel reasons', () => {
  it('are A to G, each explained in every language', () => {
    expect(CANCEL_REASONS).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    for (const locale of ['en', 'fr', 'nl', 'de']) {
      const messages = JSON.parse(readFileSync(new URL(`../../_locales/${locale}/messages.json`, import.meta.url), 'utf8')) as Record<string, { message: string }>;
      for (const reason of CANCEL_REASONS) expect(messages[CANCEL_REASON_MEANING_KEYS[reason]]?.message, `${locale} ${reason}`).toBeTruthy();
    }
  });
});
