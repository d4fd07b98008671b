import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { belgianDate } from '../../src/shared/domain/belgian-dates.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import type { Language } from '../../src/shared/languages.js';
import type { ExtensionBrowser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { openDisclosure, openPopupFromEhr, startFlowBench, type FlowBench, sendAndAwaitAcknowledgement } from '../support/content-e2e.js';

/**
 * The receipt in the patient's language and the clinician's own language, in Chromium with the real
 * host and the simulator: three MediSPA patients whose page gives French, Dutch and German are sent
 * to an acknowledgement, and each supporting document is checked in its language with Belgian
 * formats, the insurer's name and the provider's NIHII; axe finds nothing serious on the receipt and
 * the options page in en/fr/nl/de; the clinician's setting changes the popup's language, and the
 * receipt of a patient whose page gives no language.
 */

const NBSP = '\u00a0';
type Messages = Record<string, { message: string } | undefined>;
const catalogs = Object.fromEntries(
  (['en', 'fr', 'nl', 'de'] as const).map((language) => [language, JSON.parse(readFileSync(new URL(`../../_locales/${language}/messages.json`, import.meta.url), 'utf8')) as Messages]),
) as Record<Language, Messages>;
function message(language: Language, key: string): string {
  const text = catalogs[language][key]?.message;
  if (text === undefined) throw new Error(`${language} has no ${key}`);
  return text;
}

/** The demo patients (demo/ehrs/medispa/app.js) whose page gives their language, and their insurer at the simulator. */
/** The clinician checks Lambert's tariffs before sending (the simulator's 101076: 4,00 € of patient's share); the others' are not known. */
const PATIENTS = [
  { path: 'p1', language: 'fr', ssin: '85041213359', insurer: '100', checkTariffs: true },
  { path: 'p4', language: 'nl', ssin: '03050908860', insurer: '500', checkTariffs: false },
  { path: 'p5', language: 'de', ssin: '62072115482', insurer: '600', checkTariffs: false },
] as const;

let bench: FlowBench;
let session: ExtensionBrowser;
beforeAll(async () => {
  bench = await startFlowBench({ clinician: (pki) => pki.clinicians.doctorRsa });
  session = bench.session;
}, 120_000);
afterAll(async () => {
  await bench.close();
});

const text = (page: Page, selector: string): Promise<string> => page.$eval(selector, (element) => element.textContent);

/** The flow as the clinician goes through it: the EHR page, the popup, Send, the acknowledgement, the receipt's tab. */
async function acknowledgedReceipt(path: string, ready?: string, checkTariffs = false): Promise<{ receipt: Page; ack: string }> {
  const page = await session.browser.newPage();
  await page.goto(`${bench.ehr.origin}${path}`);
  const popup = await openPopupFromEhr(session, page, ready);
  if (checkTariffs) {
    await openDisclosure(popup, 'more-details');
    await popup.click('[data-testid="check-tariffs"]');
    await popup.waitForSelector('[data-testid="tariff-table"]', { timeout: 20_000 });
  }
  const ack = await sendAndAwaitAcknowledgement(popup);
  const before = new Set(session.browser.targets());
  await popup.click('[data-testid="print-receipt"]');
  const target = await session.browser.waitForTarget((candidate) => !before.has(candidate) && candidate.url().includes('/src/receipt/index.html'), { timeout: 10_000 });
  const receipt = await target.asPage();
  await receipt.waitForSelector('[data-testid="receipt"]', { timeout: 10_000 });
  // Opening the receipt's tab takes the focus, which closes a real toolbar popup on its own.
  if (!popup.isClosed()) await popup.close().catch(() => undefined);
  await page.close();
  return { receipt, ack };
}

async function expectReceiptIn(receipt: Page, language: Language, insurer: string): Promise<void> {
  await receipt.waitForFunction((wanted) => document.querySelector('[data-testid="receipt"]')?.getAttribute('data-language') === wanted, { timeout: 10_000, polling: 50 }, language);
  expect(await receipt.evaluate(() => document.documentElement.lang)).toBe(language);
  expect(await text(receipt, 'h1')).toBe(message(language, 'receiptTitle'));
  expect(await receipt.title()).toBe(message(language, 'receiptTitle'));
  expect(await text(receipt, '[data-testid="receipt-insurer"]')).toBe(`${message(language, `receiptInsurer_${insurer}`)} (${insurer})`);
  expect(await text(receipt, '[data-testid="receipt-provider"]')).toMatch(new RegExp(`\\(${message(language, 'nihiiLabel')} \\d{11}\\)$`));
  expect(await receipt.$$eval('th', (cells) => cells.map((cell) => cell.textContent))).toContain(message(language, 'totalPaid'));
  expect(await seriousViolations(receipt), `axe on the ${language} receipt`).toEqual([]);
}

describe('the supporting document in the patient’s language (Chromium, real host, simulator)', () => {
  const receipts = new Map<string, Page>();
  afterAll(async () => {
    for (const receipt of receipts.values()) await receipt.close().catch(() => undefined);
  });

  for (const patient of PATIENTS) {
    it(`${patient.language}: the page’s language, Belgian date and amount, the insurer by name, the NIHII`, async () => {
      const { receipt, ack } = await acknowledgedReceipt(`/medispa/patients/${patient.path}`, undefined, patient.checkTariffs);
      receipts.set(patient.language, receipt);
      expect(await text(receipt, '[data-testid="receipt-ack"]')).toBe(ack);
      expect(ack.startsWith(`${patient.insurer}-1-`)).toBe(true);
      expect(await text(receipt, '[data-testid="receipt-patient"]')).toContain(patient.ssin);
      expect(await text(receipt, '[data-testid="receipt-care-date"]')).toBe(belgianDate(brusselsDate(new Date())));
      expect(await text(receipt, '[data-testid="receipt-acknowledged-at"]')).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      expect(await text(receipt, '[data-testid="receipt-total"]')).toBe(`30,00${NBSP}€`);
      // The practice by the name its configuration gives (tests/support/provisioning.ts) and its company number.
      expect(await text(receipt, '[data-testid="receipt-practice"]')).toBe('Cabinet médical du Parc, 0812.345.603');
      // The patient's share of the act, in its own column, only when the clinician checked the tariffs before sending.
      expect(await receipt.$$eval('[data-testid="act-patient-share"]', (cells) => cells.map((cell) => cell.textContent))).toEqual(patient.checkTariffs ? [`4,00${NBSP}€`] : []);
      expect(await receipt.$$eval('[data-testid="receipt-act"] td:last-child', (cells) => cells.map((cell) => cell.textContent))).toEqual([`30,00${NBSP}€`]);
      await expectReceiptIn(receipt, patient.language, patient.insurer);
    });
  }

  it('changes language on the clinician’s choice before printing, English included', async () => {
    const receipt = receipts.get('fr');
    if (receipt === undefined) throw new Error('the French receipt did not open');
    // The tab the clinician looks at (a background tab's page does not paint).
    await receipt.bringToFront();
    for (const language of ['en', 'nl', 'de', 'fr'] as const) {
      await receipt.select('[data-testid="receipt-language"]', language);
      await expectReceiptIn(receipt, language, '100');
      expect(await text(receipt, '[data-testid="receipt-total"]')).toBe(`30,00${NBSP}€`);
      // The practice by the name its configuration gives (tests/support/provisioning.ts) and its company number.
      expect(await text(receipt, '[data-testid="receipt-practice"]')).toBe('Cabinet médical du Parc, 0812.345.603');
    }
  });

  it('prints on A5 without cutting anything off (A5 is 132 mm = 499 px wide inside its margins)', async () => {
    const receipt = receipts.get('de');
    if (receipt === undefined) throw new Error('the German receipt did not open');
    await receipt.bringToFront();
    await receipt.select('[data-testid="receipt-paper"]', 'A5');
    expect(await receipt.$eval('style', (element) => element.textContent)).toContain('size: A5');
    await receipt.setViewport({ width: 499, height: 700 });
    await receipt.emulateMediaType('print');
    const layout = await receipt.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      barcodeRight: document.querySelector('[data-testid="barcode"]')?.getBoundingClientRect().right ?? Infinity,
      tableRight: document.querySelector('table')?.getBoundingClientRect().right ?? Infinity,
      toolsShown: document.querySelector('.receipt-tools')?.getBoundingClientRect().height ?? 0,
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(499);
    expect(layout.barcodeRight).toBeLessThanOrEqual(499);
    expect(layout.tableRight).toBeLessThanOrEqual(499);
    expect(layout.toolsShown).toBe(0);
    await receipt.emulateMediaType('screen');
  });
});

describe('the clinician’s language', () => {
  it('is set in the options page and followed by the options page and the popup; axe finds nothing serious in any language', async () => {
    const options = await session.openExtensionPage('src/options/index.html');
    await options.waitForSelector('[data-testid="language-setting"]:not([disabled])');
    // The browser's language by default: this Chromium speaks English.
    expect(await options.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await seriousViolations(options), 'axe on the en options page').toEqual([]);
    for (const language of ['fr', 'nl', 'de'] as const) {
      await Promise.all([options.waitForNavigation(), options.select('[data-testid="language-setting"]', language)]);
      await options.waitForSelector('[data-testid="language-setting"]:not([disabled])');
      expect(await options.evaluate(() => document.documentElement.lang)).toBe(language);
      expect(await options.$eval('[data-testid="language-setting"]', (element) => (element as HTMLSelectElement).value)).toBe(language);
      expect(await text(options, 'h1')).toBe(message(language, 'optionsTitle'));
      expect(await seriousViolations(options), `axe on the ${language} options page`).toEqual([]);
    }

    // German chosen: the popup speaks German.
    const popup = await session.openExtensionPage('src/popup/index.html');
    await popup.waitForFunction(() => document.documentElement.lang === 'de' && document.body.textContent.length > 20, { timeout: 10_000 });
    const germanOnly = Object.entries(catalogs.de).flatMap(([key, entry]) => (entry !== undefined && entry.message.length >= 5 && entry.message !== catalogs.en[key]?.message && !entry.message.includes('$') ? [entry.message] : []));
    const shown = (await popup.evaluate(() => document.body.innerText)).split('\n').map((line) => line.trim());
    expect(shown.filter((line) => germanOnly.includes(line)).length, shown.join(' | ')).toBeGreaterThan(0);
    await popup.close();

    // A patient whose page gives no language (TableMed's JSIS patient): the receipt is in the clinician's.
    const { receipt } = await acknowledgedReceipt('/tablemed/consultation-2.html', 'table#pat');
    await receipt.bringToFront();
    await expectReceiptIn(receipt, 'de', 'rcam');
    await receipt.close();

    // Back to the browser's language.
    await Promise.all([options.waitForNavigation(), options.select('[data-testid="language-setting"]', 'browser')]);
    await options.waitForSelector('[data-testid="language-setting"]:not([disabled])');
    expect(await options.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await text(options, 'h1')).toBe(message('en', 'optionsTitle'));
    await options.close();
  });
});
