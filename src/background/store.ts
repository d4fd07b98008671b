import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as z from 'zod/mini';
import browser from 'webextension-polyfill';
import { isoDateSchema } from '../shared/domain/identifiers.js';
import type { Insurability } from '../shared/domain/insurability.js';
import { tariffsSchema, type Tariffs } from '../shared/domain/tariff.js';
import type { AttestationRecord, AttestationStore } from './attestations.js';
import type { LedgerStore } from './ledger.js';
import type { JournalHeadStore, SeenJournalHead } from './journal-anchor.js';
import type { AuditEntry, PatientDataStore } from './patient-data.js';

/**
 * The extension's IndexedDB: today's insurability per contact, the audit trail of every
 * consultation, and a record per attestation sent (history, receipts, sends to settle). The host's journal stays the source of truth for transmissions of attestations;
 * this store keeps what the UI needs and what the clinician did in it.
 */

interface CompanionDb extends DBSchema {
  insurability: { key: string; value: { key: string; date: string; insurability: Insurability }; indexes: { byDate: string } };
  audit: { key: number; value: AuditEntry; indexes: { byAt: string } };
  attestations: { key: string; value: AttestationRecord; indexes: { byDate: string; byAcknowledgement: string } };
  /** One record: the highest head of the host's journal seen (journal-anchor.ts). */
  journalHead: { key: string; value: SeenJournalHead };
}

const DB_NAME = 'eattest-companion';
const TARIFFS_KEY = 'tariffsOfTheDay';
/** The day's tariff answers by contact key (provider|patient|day); a day's contacts are a few dozen. */
const keptTariffsSchema = z.strictObject({
  date: isoDateSchema,
  byContact: z.record(z.string().check(z.maxLength(100)), tariffsSchema).check(z.refine((byContact) => Object.keys(byContact).length <= 1000, 'at most 1,000 contacts a day')),
});
const DB_VERSION = 2;
const HIGHEST_JOURNAL_HEAD = 'highest';
/** The audit trail is kept for a year on this device; the host's journal keeps transmissions for good. */
const AUDIT_RETENTION_DAYS = 366;

export class CompanionStore implements PatientDataStore, AttestationStore, LedgerStore, JournalHeadStore {
  private db: Promise<IDBPDatabase<CompanionDb>> | undefined;

  private open(): Promise<IDBPDatabase<CompanionDb>> {
    this.db ??= openDB<CompanionDb>(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('insurability', { keyPath: 'key' }).createIndex('byDate', 'date');
          db.createObjectStore('audit', { autoIncrement: true }).createIndex('byAt', 'at');
          const attestations = db.createObjectStore('attestations', { keyPath: 'consultationKey' });
          attestations.createIndex('byDate', 'careDate');
          attestations.createIndex('byAcknowledgement', 'acknowledgementNumber');
        }
        if (oldVersion < 2) db.createObjectStore('journalHead');
      },
    });
    return this.db;
  }

  /**
   * Tariff answers live in the browser's session storage, not in IndexedDB: they serve the day's
   * supporting documents only, so they need not outlive the browser, and they stay off the disk.
   * One key holds the day's (a new day starts it empty), so keeping one reads nothing else.
   */
  async keepTariffs(contactKey: string, tariffs: Tariffs, today: string): Promise<void> {
    const kept = await this.daysTariffs();
    const byContact = kept?.date === today ? kept.byContact : {};
    await browser.storage.session.set({ [TARIFFS_KEY]: { date: today, byContact: { ...byContact, [contactKey]: tariffs } } });
  }

  async tariffsFor(contactKey: string): Promise<Tariffs | undefined> {
    const byContact = (await this.daysTariffs())?.byContact;
    return byContact !== undefined && Object.hasOwn(byContact, contactKey) ? byContact[contactKey] : undefined;
  }

  private async daysTariffs(): Promise<z.infer<typeof keptTariffsSchema> | undefined> {
    return keptTariffsSchema.safeParse((await browser.storage.session.get(TARIFFS_KEY))[TARIFFS_KEY]).data;
  }

  async insurabilityFor(contactKey: string): Promise<Insurability | undefined> {
    return (await (await this.open()).get('insurability', contactKey))?.insurability;
  }

  async keepInsurability(contactKey: string, insurability: Insurability, today: string): Promise<void> {
    const db = await this.open();
    const transaction = db.transaction('insurability', 'readwrite');
    await transaction.store.put({ key: contactKey, date: today, insurability });
    let stale = await transaction.store.index('byDate').openCursor(IDBKeyRange.upperBound(today, true));
    while (stale !== null) {
      await stale.delete();
      stale = await stale.continue();
    }
    await transaction.done;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const db = await this.open();
    const transaction = db.transaction('audit', 'readwrite');
    await transaction.store.add(entry);
    const horizon = new Date(Date.parse(entry.at) - AUDIT_RETENTION_DAYS * 86_400_000).toISOString();
    let old = await transaction.store.index('byAt').openCursor(IDBKeyRange.upperBound(horizon, true));
    while (old !== null) {
      await old.delete();
      old = await old.continue();
    }
    await transaction.done;
  }

  async record(consultationKey: string): Promise<AttestationRecord | undefined> {
    return (await this.open()).get('attestations', consultationKey);
  }

  async putRecord(record: AttestationRecord): Promise<void> {
    await (await this.open()).put('attestations', record);
  }

  async recordsOf(careDate: string): Promise<AttestationRecord[]> {
    return (await this.open()).getAllFromIndex('attestations', 'byDate', careDate);
  }

  /** Care dates from `firstDate` to `lastDate` included, through the care-date index (YYYY-MM-DD sorts as it reads). */
  async recordsBetween(firstDate: string, lastDate: string, limit: number): Promise<AttestationRecord[]> {
    return (await this.open()).getAllFromIndex('attestations', 'byDate', IDBKeyRange.bound(firstDate, lastDate), limit);
  }

  async recordByAcknowledgement(acknowledgementNumber: string): Promise<AttestationRecord | undefined> {
    return (await this.open()).getFromIndex('attestations', 'byAcknowledgement', acknowledgementNumber);
  }

  async highestJournalHead(): Promise<SeenJournalHead | undefined> {
    return (await this.open()).get('journalHead', HIGHEST_JOURNAL_HEAD);
  }

  async keepJournalHead(head: SeenJournalHead): Promise<void> {
    await (await this.open()).put('journalHead', head, HIGHEST_JOURNAL_HEAD);
  }

  async recentAudit(limit: number): Promise<AuditEntry[]> {
    const db = await this.open();
    const entries: AuditEntry[] = [];
    let cursor = await db.transaction('audit').store.index('byAt').openCursor(null, 'prev');
    while (cursor !== null && entries.length < limit) {
      entries.push(cursor.value);
      cursor = await cursor.continue();
    }
    return entries;
  }
}
