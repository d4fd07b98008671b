import { describe, expect, it, vi } from 'vitest';
import { neutraliseFormula, writeCsv } from '../../src/background/csv.js';
import { Ledger, LEDGER_CSV_HEADER, type LedgerStore } from '../../src/background/ledger.js';
import { createRouter, type HandlerTable } from '../../src/background/router.js';
import { daysOfMonth } from '../../src/shared/domain/calendar.js';
import { formatNihii, formatSsin } from '../../src/shared/domain/identifier-formats.js';
import { acknowledgedTotalCents } from '../../src/shared/domain/ledger.js';
import { decimalCommaAmount, formatCents } from '../../src/shared/domain/money-text.js';
import type { AttestationRecord } from '../../src/shared/domain/receipt.js';
import { ledgerExportResultSchema, MAX_LEDGER_EXPORT_ROWS } from '../../src/shared/extension-protocol.js';
import { readCsv } from '../support/csv-reader.js';

const NIHII = '19910140004';
const KEY = (n: number) => n.toString(16).padStart(64, '0');

function record(n: number, careDate: string, overrides: Partial<AttestationRecord> = {}, names = { lastName: 'Lambert', firstName: 'Julie' }): AttestationRecord {
  const attestation = {
    patient: { ssin: '85041213359', ...names },
    careDate,
    patientPaidCents: 3000,
    acts: [
      { code: '101076', quantity: 1, serviceDate: careDate },
      { code: '475075', quantity: 2, serviceDate: careDate },
    ],
  };
  const acknowledgedAt = `${careDate}T09:0${n % 10}:00.000+01:00`;
  const acknowledgementNumber = `100-1-${careDate.slice(2).replaceAll('-', '')}-000000${n % 10}-60`;
  return {
    consultationKey: KEY(n),
    careDate,
    attestation,
    status: 'acknowledged',
    startedAt: acknowledgedAt,
    updatedAt: acknowledgedAt,
    acknowledgementNumber,
    acknowledgedAt,
    inputReference: `R${n}`,
    outcome: {
      outcome: 'acknowledged',
      acknowledgementNumber,
      acknowledgedAt,
      inputReference: `R${n}`,
      attemptNbr: 1,
      consultationKey: KEY(n),
      provider: { nihii11: NIHII },
      attestation,
    },
    ...overrides,
  };
}

/** IndexedDB's key range on the care-date index, in memory; it remembers the bounds it was asked. */
class MemoryLedgerStore implements LedgerStore {
  readonly asked: [string, string, number][] = [];
  constructor(readonly records: AttestationRecord[]) {}
  recordsBetween(firstDate: string, lastDate: string, limit: number) {
    this.asked.push([firstDate, lastDate, limit]);
    return Promise.resolve(this.records.filter((entry) => entry.careDate >= firstDate && entry.careDate <= lastDate).slice(0, limit));
  }
}

describe('the CSV writer', () => {
  it('starts with a UTF-8 BOM, separates with ; and ends every line with CRLF', () => {
    const csv = writeCsv(['a', 'b'], [['1', 'é']]);
    expect(csv).toBe('\uFEFFa;b\r\n1;é\r\n');
    expect(new TextEncoder().encode(csv).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('quotes fields with the separator, a quote or a line break, doubling the quotes (RFC 4180)', () => {
    const fields = ['Dupont; Marie', 'say "hi"', 'two\r\nlines', 'one\nline', 'plain, with comma'];
    const csv = writeCsv(['x', 'y', 'z', 'v', 'w'], [fields]);
    expect(csv.split('\r\n')[1]).toBe('"Dupont; Marie";"say ""hi""";"two');
    expect(csv).toContain('plain, with comma\r\n');
    expect(readCsv(csv).rows[1]).toEqual(fields);
  });

  it('neutralises formulas: =, +, -, @, tab, CR, after blanks and in full width', () => {
    for (const hostile of ['=HYPERLINK("https://evil.example";"Lambert")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '  =1+1', '＝1+1', '＋1', '－1', '＠A1']) {
      expect(neutraliseFormula(hostile), JSON.stringify(hostile)).toBe(`'${hostile}`);
    }
    for (const plain of ['Lambert', "O'Brien", '100-1-260212-5960827-60', '30,00', '2026-12-07', '']) expect(neutraliseFormula(plain)).toBe(plain);
    const csv = writeCsv(['Patient'], [['=HYPERLINK("https://evil.example";"Lambert")']]);
    expect(csv.split('\r\n')[1]).toBe('"\'=HYPERLINK(""https://evil.example"";""Lambert"")"');
    expect(readCsv(csv).rows[1]?.[0]).toBe('\'=HYPERLINK("https://evil.example";"Lambert")');
  });

  it('refuses a row of another width than its header', () => {
    expect(() => writeCsv(['a', 'b'], [['1']])).toThrow(RangeError);
  });
});

describe('Belgian formats', () => {
  it('writes amounts with a decimal comma, and for the eye with € after', () => {
    expect([0, 5, 3000, 123450, 100000000].map(decimalCommaAmount)).toEqual(['0,00', '0,05', '30,00', '1234,50', '1000000,00']);
    expect([3000, 123450, 100000000].map((cents) => formatCents(cents, 'nl'))).toEqual(['30,00\u00a0€', '1.234,50\u00a0€', '1.000.000,00\u00a0€']);
  });

  it('writes the SSIN and the NIHII as Belgians do', () => {
    expect(formatSsin('85041213359')).toBe('85.04.12-133.59');
    expect(formatNihii(NIHII)).toBe('1-99101-40-004');
  });

  it('knows the length of every month, leap years included', () => {
    expect(daysOfMonth('2026-12')).toEqual({ first: '2026-12-01', last: '2026-12-31' });
    expect(daysOfMonth('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(daysOfMonth('2100-02').last).toBe('2100-02-28');
    expect(daysOfMonth('2026-04').last).toBe('2026-04-30');
    expect(() => daysOfMonth('2026-13')).toThrow(RangeError);
  });
});

describe('the ledger export', () => {
  const cancelled = record(2, '2026-12-07', {
    status: 'cancelled',
    cancellation: { outcome: 'cancelled', acknowledgementNumber: '100-1-261207-0000002-60', reason: 'C', cancelledAt: '2026-12-07T10:15:30.000+01:00' },
  });
  const hostile = record(3, '2026-12-07', {}, { lastName: '=HYPERLINK("https://evil.example";"Lambert")', firstName: 'Julie' });
  const records = [
    record(9, '2026-11-30'),
    hostile,
    record(1, '2026-12-07'),
    cancelled,
    record(4, '2026-12-31'),
    record(5, '2027-01-01'),
    record(6, '2026-12-01', { status: 'unknown', acknowledgedAt: undefined, acknowledgementNumber: undefined, outcome: undefined }),
  ].map((entry) => JSON.parse(JSON.stringify(entry)) as AttestationRecord);

  it('writes a day: the exact header, one row per eAttest in time order, statuses, decimal comma, cancellation', async () => {
    const store = new MemoryLedgerStore(records);
    const result = await new Ledger(store).export({ kind: 'day', date: '2026-12-07' });
    expect(store.asked).toEqual([['2026-12-07', '2026-12-07', MAX_LEDGER_EXPORT_ROWS + 1]]);
    expect(ledgerExportResultSchema.parse(result)).toEqual(result);
    expect(result.fileName).toBe('eattest-2026-12-07.csv');
    expect(result.rows).toBe(3);
    const { bom, rows } = readCsv(result.csv);
    expect(bom).toBe(true);
    expect(rows[0]).toEqual([...LEDGER_CSV_HEADER]);
    expect(rows[0]?.join(';')).toBe(
      'Care date;Acknowledged at;Patient;SSIN;Codes;Amount paid (EUR);Acknowledgement number;Status;Cancelled at;Cancellation reason;Provider NIHII',
    );
    expect(rows.slice(1)).toEqual([
      ['2026-12-07', '09:01', 'Lambert Julie', '85.04.12-133.59', '101076, 475075 x2', '30,00', '100-1-261207-0000001-60', 'acknowledged', '', '', '1-99101-40-004'],
      ['2026-12-07', '09:02', 'Lambert Julie', '85.04.12-133.59', '101076, 475075 x2', '30,00', '100-1-261207-0000002-60', 'cancelled', '2026-12-07 10:15', 'C', '1-99101-40-004'],
      ['2026-12-07', '09:03', '\'=HYPERLINK("https://evil.example";"Lambert") Julie', '85.04.12-133.59', '101076, 475075 x2', '30,00', '100-1-261207-0000003-60', 'acknowledged', '', '', '1-99101-40-004'],
    ]);
  });

  it('queries a month from its first to its last day, nothing of the months around it', async () => {
    const store = new MemoryLedgerStore(records);
    const result = await new Ledger(store).export({ kind: 'month', month: '2026-12' });
    expect(store.asked).toEqual([['2026-12-01', '2026-12-31', MAX_LEDGER_EXPORT_ROWS + 1]]);
    expect(result.fileName).toBe('eattest-2026-12.csv');
    const rows = readCsv(result.csv).rows.slice(1);
    expect(rows.map((row) => [row[0], row[7]])).toEqual([
      ['2026-12-01', 'unknown outcome'],
      ['2026-12-07', 'acknowledged'],
      ['2026-12-07', 'cancelled'],
      ['2026-12-07', 'acknowledged'],
      ['2026-12-31', 'acknowledged'],
    ]);
    // An unknown outcome has no number and no time of acknowledgement yet.
    expect([rows[0]?.[1], rows[0]?.[6]]).toEqual(['', '']);
  });

  it('refuses an export too large for one file instead of cutting it short', async () => {
    const many = Array.from({ length: MAX_LEDGER_EXPORT_ROWS + 1 }, (_, index) => ({ ...record(1, '2026-12-07'), consultationKey: KEY(index) }));
    await expect(new Ledger(new MemoryLedgerStore(many)).export({ kind: 'month', month: '2026-12' })).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
  });

  it('totals what was acknowledged, not what was cancelled', () => {
    expect(acknowledgedTotalCents(records.filter((entry) => entry.careDate === '2026-12-07'))).toBe(6000);
  });
});

describe('ledger.export at the background’s door', () => {
  const ID = 'kpghmhnplncbdjmflbikfegpgigphlfp';
  const ORIGIN = `chrome-extension://${ID}`;
  const context = { extensionId: ID, extensionOrigin: ORIGIN, isGrantedOrigin: (origin: string) => Promise.resolve(origin === 'https://ehr.example.be') };
  const popup = { id: ID, url: `${ORIGIN}/src/popup/index.html`, origin: ORIGIN };
  const ehrPage = { id: ID, url: 'https://ehr.example.be/x', origin: 'https://ehr.example.be', tab: { id: 7 }, frameId: 0 };

  function routeTo(store: LedgerStore) {
    const ledger = new Ledger(store);
    const exportSpy = vi.fn((message: { period: Parameters<Ledger['export']>[0] }) => ledger.export(message.period));
    return { route: createRouter({ 'ledger.export': exportSpy } as unknown as HandlerTable, context), exportSpy };
  }

  it('answers an extension page with the CSV, parsed against its schema', async () => {
    const { route } = routeTo(new MemoryLedgerStore([record(1, '2026-12-07')]));
    const reply = await route({ type: 'ledger.export', period: { kind: 'day', date: '2026-12-07' } }, popup);
    expect(reply).toMatchObject({ ok: true, result: { fileName: 'eattest-2026-12-07.csv', rows: 1 } });
  });

  it('gives an EHR page nothing (patient data for the bookkeeping only where the clinician acts)', async () => {
    const { route, exportSpy } = routeTo(new MemoryLedgerStore([record(1, '2026-12-07')]));
    const reply = await route({ type: 'ledger.export', period: { kind: 'month', month: '2026-12' } }, ehrPage);
    expect(reply).toMatchObject({ ok: false, error: { code: 'SENDER_NOT_ALLOWED' } });
    expect(exportSpy).not.toHaveBeenCalled();
  });

  it('refuses a period that is no day or month, before the store is read', async () => {
    const { route, exportSpy } = routeTo(new MemoryLedgerStore([]));
    for (const period of [{ kind: 'month', month: '2026-13' }, { kind: 'month', month: '2026-12-01' }, { kind: 'day', date: '2026-12' }, { kind: 'year', year: '2026' }, { kind: 'day', date: '2026-12-07', extra: 1 }]) {
      const reply = await route({ type: 'ledger.export', period }, popup);
      expect(reply, JSON.stringify(period)).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    }
    expect(exportSpy).not.toHaveBeenCalled();
  });
});
