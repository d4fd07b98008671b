import { brusselsDate } from '../shared/domain/calendar.js';
import type { ContactType, Insurability } from '../shared/domain/insurability.js';
import type { PatientShares } from '../shared/domain/receipt.js';
import type { Tariffs } from '../shared/domain/tariff.js';
import { toErrorPayload, type ErrorCode } from '../shared/errors.js';
import type { InsurabilityAnswer } from '../shared/extension-protocol.js';
import type { HostCommandName, HostParams, HostResult } from '../shared/host-protocol.js';

/**
 * The protocol's consultation rules, kept in the background whatever the UI does:
 * - insurability at most once per contact (provider + patient + Belgian day); reopening the popup
 *   reuses the answer, and asking again is an explicit, logged refresh;
 * - tariffs and the DMG holder only through their own messages, which the router accepts from
 *   extension pages alone, never from a content script or on a timer.
 * Every consultation, reused answer and refusal is written to the audit trail.
 */

export type HostRequest = <C extends HostCommandName>(command: C, params: HostParams<C>) => Promise<HostResult<C>>;

export type AuditAction = 'insurability.consulted' | 'insurability.reused' | 'insurability.refreshed' | 'tariffs.consulted' | 'dmg.consulted';

export interface AuditEntry {
  /** ISO 8601 instant, milliseconds included. */
  at: string;
  action: AuditAction;
  /** The responsible provider as the eHealth platform knows them. */
  providerNihii11: string;
  patientSsin: string;
  /** The Belgian day of care. */
  date: string;
  /** The extension page the clinician acted in. */
  page: string;
  outcome: 'ok' | ErrorCode;
  details?: string;
}

export interface PatientDataStore {
  insurabilityFor(contactKey: string): Promise<Insurability | undefined>;
  /** Keeps today's answer; answers of earlier days are forgotten (they are not needed and are confidential). */
  keepInsurability(contactKey: string, insurability: Insurability, today: string): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Keeps the contact's latest tariff answer for the browser session only (never on disk); earlier days' go. */
  keepTariffs(contactKey: string, tariffs: Tariffs, today: string): Promise<void>;
  tariffsFor(contactKey: string): Promise<Tariffs | undefined>;
}

export function contactKey(providerNihii11: string, ssin: string, date: string): string {
  return `${providerNihii11}|${ssin}|${date}`;
}

export class PatientData {
  private provider: Promise<HostResult<'provider'>> | undefined;
  /** Consultations in flight per contact: two popups asking at once make one call. */
  private readonly inFlight = new Map<string, Promise<Insurability>>();

  constructor(
    private readonly host: HostRequest,
    private readonly store: PatientDataStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Today's insurability: from the cache for a known contact, else asked once. */
  async insurability(ssin: string, contactType: ContactType, page: string): Promise<InsurabilityAnswer> {
    const cached = await this.cachedInsurability(ssin, page);
    if (cached !== undefined) return cached;
    const { nihii11 } = await this.providerIdentity();
    const date = brusselsDate(this.now());
    const key = contactKey(nihii11, ssin, date);
    return { insurability: await this.consult(key, { ssin, date, contactType }, 'insurability.consulted', nihii11, page), fromCache: false };
  }

  /** Today's answer for this patient if this contact already has one; never a consultation. */
  async cachedInsurability(ssin: string, page: string): Promise<InsurabilityAnswer | undefined> {
    const { nihii11 } = await this.providerIdentity();
    const date = brusselsDate(this.now());
    const cached = await this.store.insurabilityFor(contactKey(nihii11, ssin, date));
    if (cached === undefined) return undefined;
    await this.audit({ action: 'insurability.reused', providerNihii11: nihii11, patientSsin: ssin, date, page, outcome: 'ok' });
    return { insurability: cached, fromCache: true };
  }

  /**
   * Whether today's answer for this patient routes to the EU institutions' scheme (JSIS). Read from
   * the cache only: sending an attestation never triggers a consultation.
   */
  async cachedInsurerOf(ssin: string): Promise<string | undefined> {
    const { nihii11 } = await this.providerIdentity();
    return (await this.store.insurabilityFor(contactKey(nihii11, ssin, brusselsDate(this.now()))))?.insurer;
  }

  /** The clinician's explicit "ask again": one more consultation, logged as such. */
  async refreshInsurability(ssin: string, contactType: ContactType, page: string): Promise<InsurabilityAnswer> {
    const { nihii11 } = await this.providerIdentity();
    const date = brusselsDate(this.now());
    const key = contactKey(nihii11, ssin, date);
    return { insurability: await this.consult(key, { ssin, date, contactType }, 'insurability.refreshed', nihii11, page), fromCache: false };
  }

  async tariffs(ssin: string, codes: readonly string[], page: string, teeth?: Readonly<Record<string, string>>): Promise<Tariffs> {
    const { nihii11 } = await this.providerIdentity();
    const date = brusselsDate(this.now());
    const tariffs = await this.audited({ action: 'tariffs.consulted', providerNihii11: nihii11, patientSsin: ssin, date, page, details: codes.join(',') }, () =>
      this.host('tariffs', { ssin, date, codes: [...codes], ...(teeth !== undefined ? { teeth: { ...teeth } } : {}) }),
    );
    await this.store.keepTariffs(contactKey(nihii11, ssin, date), tariffs, date);
    return tariffs;
  }

  /**
   * The patient's share of each of these codes as this contact's tariff answer gave it (the clinician
   * checked tariffs today), for the supporting document; undefined when none is known. Never a consultation.
   */
  async knownPatientShares(ssin: string, codes: readonly string[]): Promise<PatientShares | undefined> {
    const { nihii11 } = await this.providerIdentity();
    // Only the receipt's extra column depends on it: a session storage that fails never stops a send.
    const tariffs = await this.store.tariffsFor(contactKey(nihii11, ssin, brusselsDate(this.now()))).catch((error: unknown) => {
      console.warn('[eattest] the tariffs kept for this contact could not be read', error);
      return undefined;
    });
    const known = (tariffs?.lines ?? []).filter((line) => codes.includes(line.code));
    return known.length === 0 ? undefined : Object.fromEntries(known.map((line) => [line.code, line.patientShare]));
  }

  async dmgHolder(ssin: string, page: string): Promise<HostResult<'dmgHolder'>> {
    const { nihii11 } = await this.providerIdentity();
    const date = brusselsDate(this.now());
    return this.audited({ action: 'dmg.consulted', providerNihii11: nihii11, patientSsin: ssin, date, page }, () => this.host('dmgHolder', { ssin, date }));
  }

  private consult(key: string, params: HostParams<'insurability'>, action: AuditAction, nihii11: string, page: string): Promise<Insurability> {
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const consultation = this.audited({ action, providerNihii11: nihii11, patientSsin: params.ssin, date: params.date, page }, async () => {
      const insurability = await this.host('insurability', params);
      await this.store.keepInsurability(key, insurability, params.date);
      return insurability;
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, consultation);
    return consultation;
  }

  /** Who is responsible: the provider of the host's eHealth session, asked once per worker life. */
  private providerIdentity(): Promise<HostResult<'provider'>> {
    this.provider ??= this.host('provider', {}).catch((error: unknown) => {
      this.provider = undefined;
      throw error;
    });
    return this.provider;
  }

  private async audited<T>(entry: Omit<AuditEntry, 'at' | 'outcome'>, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      await this.audit({ ...entry, outcome: 'ok' });
      return result;
    } catch (error) {
      await this.audit({ ...entry, outcome: toErrorPayload(error).code });
      throw error;
    }
  }

  private async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.store.appendAudit({ at: this.now().toISOString(), ...entry });
  }
}
