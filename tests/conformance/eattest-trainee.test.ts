import { describe, expect, it } from 'vitest';
import { attestationKmehr, cancellationKmehr } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { identities } from '../../simulator/pki/identities.js';
import { attestationSchema } from '../../src/shared/domain/attestation.js';
import { requireSchemas, validateXsd } from './judges.js';

/**
 * A trainee's eAttest (the supervisor as cga/cgd author, the trainee in each act's internship item)
 * with an act naming the patient's DMG holder (gmdmanager), and its cancellation, against the
 * official kmehr 1.34 / messageservices XSDs; each with a tampered counterpart that fails.
 */

const KMEHR_XSD = 'ehealth-messageservices/XSD/messageservices_protocol-1_2-kmehr-1_34.xsd';
const trainee = identities.traineeDoctor;
const gp = identities.doctorRsa;
const fields = {
  provider: { nihii11: trainee.nihii11, ssin: trainee.ssin, profession: 'doctor' as const, givenName: trainee.givenName, surname: trainee.surname },
  reference: '26021210153000',
  now: new Date('2026-02-12T09:15:30Z'),
  supervisor: { nihii11: gp.nihii11, ssin: gp.ssin, firstName: gp.givenName, lastName: gp.surname },
};

describe('a trainee’s eAttest with a DMG holder, against the XSDs', () => {
  it('validates; with the DMG holder’s parts out of order, it does not', () => {
    requireSchemas();
    const attestation = attestationSchema.parse({
      patient: { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' },
      careDate: '2026-02-12',
      collectingEntityCbe: '0820563481',
      patientPaidCents: 600,
      acts: [{ code: '101076', quantity: 1, serviceDate: '2026-02-12', amountPaidCents: 600, dmgHolderNihii: '19910140004' }],
    });
    const kmehr = Buffer.from(attestationKmehr(fields, attestation)).toString('utf8');
    expect(kmehr).toContain('>internship<');
    expect(kmehr).toContain('>gmdmanager<');
    const good = validateXsd(kmehr, KMEHR_XSD);
    expect(good.ok, good.output).toBe(true);
    // The DMG holder's hcparty with its kind before its NIHII.
    const swapped = kmehr.replace(/(<kmehr:id S="ID-HCPARTY"[^>]*>19910140004<\/kmehr:id>)(<kmehr:cd S="CD-HCPARTY"[^>]*>persphysician<\/kmehr:cd>)/, '$2$1');
    expect(swapped).not.toBe(kmehr);
    expect(validateXsd(swapped, KMEHR_XSD).ok).toBe(false);
  });

  it('and its cancellation by the supervisor validates too', () => {
    const kmehr = Buffer.from(cancellationKmehr(fields, { patientSsin: '85041213359', acknowledgementNumber: '100-1-260212-0000001-12', reason: 'C' })).toString('utf8');
    const good = validateXsd(kmehr, KMEHR_XSD);
    expect(good.ok, good.output).toBe(true);
    const names = `<kmehr:firstname>${gp.givenName}</kmehr:firstname><kmehr:familyname>${gp.surname}</kmehr:familyname>`;
    expect(kmehr).toContain(names);
    const swapped = kmehr.replace(names, `<kmehr:familyname>${gp.surname}</kmehr:familyname><kmehr:firstname>${gp.givenName}</kmehr:firstname>`);
    expect(validateXsd(swapped, KMEHR_XSD).ok).toBe(false);
  });
});
