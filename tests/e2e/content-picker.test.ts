import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { buildCustomAdapter, type PickKey, type Picks } from '../../src/options/custom-adapter-builder.js';
import { pickElement, type PickedElement } from '../../src/options/pick-element.js';
import type { Adapter } from '../../src/shared/adapters/adapter-schema.js';
import type { ConsultationReading } from '../../src/shared/domain/consultation.js';
import { chromiumPath } from '../support/chromium.js';
import { scraperBundle } from '../support/scraper-bundle.js';

/**
 * The field picker in Chromium: the function the options page injects into the EHR tab, driven by
 * real (trusted) clicks on a saved TableMed page; the adapter made from the picks reads the page.
 */

const PAGE_URL = 'http://127.0.0.1:8765/tablemed/saved.html';
const html = readFileSync(new URL('../../src/content/adapters/fixtures/tablemed/wouters.html', import.meta.url), 'utf8');
const expected = JSON.parse(readFileSync(new URL('../../src/content/adapters/fixtures/tablemed/wouters.expected.json', import.meta.url), 'utf8')) as ConsultationReading;

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, pipe: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 800 });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url() === PAGE_URL) void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    else void request.abort();
  });
  await page.goto(PAGE_URL);
});
afterAll(async () => {
  await browser.close();
});

/** Starts the picker, then clicks the element like a person would. */
async function pick(selector: string, inRow: boolean): Promise<PickedElement | null> {
  const picking = page.evaluate(pickElement, 'eAttest: click the field', inRow);
  await page.waitForSelector('eattest-field-picker');
  const element = await page.$(selector);
  const box = await element?.boundingBox();
  if (box === undefined || box === null) throw new Error(`nothing to click at ${selector}`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  return picking;
}

describe('field picker (Chromium)', () => {
  it('ignores a click the page synthesises, and Escape cancels', async () => {
    const picking = page.evaluate(pickElement, 'eAttest: click the field', false);
    await page.waitForSelector('eattest-field-picker');
    await page.evaluate(() => document.querySelector<HTMLElement>('#pat td')?.click());
    expect(await page.$('eattest-field-picker')).not.toBeNull();
    await page.keyboard.press('Escape');
    expect(await picking).toBeNull();
    expect(await page.$('eattest-field-picker')).toBeNull();
  });

  it('makes, from one click per field, an adapter that reads the page', async () => {
    const targets: [PickKey, string, boolean][] = [
      ['ssin', '#pat tr:nth-child(2) > td:nth-child(2)', false],
      ['familyName', '#pat tr:nth-child(1) > td:nth-child(2)', false],
      ['firstName', '#pat tr:nth-child(1) > td:nth-child(4)', false],
      ['date', '#pat tr:nth-child(3) > td:nth-child(2)', false],
      ['code', '#prestaties tbody tr:nth-child(1) td:nth-child(1)', true],
      ['amountPaid', '#prestaties tbody tr:nth-child(1) td:nth-child(4)', true],
      ['button', '#prestaties', false],
      ['writeBack', '#attestnr', false],
    ];
    const picks: Picks = {};
    for (const [key, selector, inRow] of targets) {
      const picked = await pick(selector, inRow);
      if (picked === null) throw new Error(`no pick for ${key}`);
      picks[key] = picked;
    }
    expect(picks.ssin?.sample).toBe('720930-048-45');
    expect(picks.writeBack).toMatchObject({ selector: '#attestnr', read: 'value' });
    expect(picks.code?.rowSelector).toBe('#prestaties > tbody > tr');

    const adapter = buildCustomAdapter('TableMed (picked)', PAGE_URL, picks, 'test');
    await page.addScriptTag({ content: await scraperBundle() });
    const reading = await page.evaluate((made: Adapter) => {
      const scraper = (globalThis as unknown as { eattestScraper: { readConsultation: (a: Adapter, d: Document) => ConsultationReading } }).eattestScraper;
      return scraper.readConsultation(made, document);
    }, adapter);
    expect(reading.patient).toEqual({ ...expected.patient, birthDate: null });
    expect(reading.consultation.date).toBe(expected.consultation.date);
    expect(reading.acts.map((act) => [act.code, act.amountPaid])).toEqual(expected.acts.map((act) => [act.code, act.amountPaid]));
  });
});
