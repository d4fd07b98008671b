import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Adapter } from '../../src/shared/adapters/adapter-schema.js';
import { BUILT_IN_ADAPTERS } from '../../src/content/adapters/index.js';
import { chromiumPath } from '../support/chromium.js';
import { scraperBundle } from '../support/scraper-bundle.js';

/**
 * Each built-in adapter on each of its saved pages, in real Chromium: the scraper the content script
 * uses reads exactly the extraction written down beside the page (null where no consultation shows).
 */

const fixturesDir = new URL('../../src/content/adapters/fixtures/', import.meta.url);
/** A URL each adapter's patterns accept, where the saved page is served. */
const SERVED_AT: Record<string, string> = {
  medispa: 'http://127.0.0.1:8765/medispa/patients/saved',
  tablemed: 'http://127.0.0.1:8765/tablemed/saved.html',
  dentachart: 'http://127.0.0.1:8765/dentachart/saved.html',
};

let browser: Browser;
let page: Page;
let bundle: string;
let served = '';

beforeAll(async () => {
  bundle = await scraperBundle();
  browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, pipe: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url().startsWith('http://127.0.0.1:8765/')) void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: served });
    else void request.abort();
  });
});
afterAll(async () => {
  await browser.close();
});

async function extract(adapter: Adapter, html: string): Promise<unknown> {
  served = html;
  const url = SERVED_AT[adapter.id];
  if (url === undefined) throw new Error(`no test URL for ${adapter.id}`);
  await page.goto(url);
  await page.addScriptTag({ content: bundle });
  return page.evaluate((adapters: Adapter[]) => {
    const scraper = (globalThis as unknown as { eattestScraper: { findAdapter: (a: Adapter[], u: string, d: Document) => Adapter | undefined; readConsultation: (a: Adapter, d: Document) => unknown } }).eattestScraper;
    const found = scraper.findAdapter(adapters, location.href, document);
    return found === undefined ? null : scraper.readConsultation(found, document);
  }, BUILT_IN_ADAPTERS as Adapter[]);
}

describe('built-in adapters on their saved pages (Chromium)', () => {
  it('every adapter lists fixtures, each with its expected extraction', () => {
    for (const adapter of BUILT_IN_ADAPTERS) {
      expect(adapter.fixtures?.length ?? 0, adapter.id).toBeGreaterThan(0);
      for (const fixture of adapter.fixtures ?? []) {
        expect(existsSync(new URL(`${adapter.id}/${fixture}.html`, fixturesDir)), `${adapter.id}/${fixture}.html`).toBe(true);
        expect(existsSync(new URL(`${adapter.id}/${fixture}.expected.json`, fixturesDir)), `${adapter.id}/${fixture}.expected.json`).toBe(true);
      }
    }
  });

  for (const adapter of BUILT_IN_ADAPTERS) {
    for (const fixture of adapter.fixtures ?? []) {
      it(`${adapter.id}: ${fixture}`, async () => {
        const html = readFileSync(new URL(`${adapter.id}/${fixture}.html`, fixturesDir), 'utf8');
        const expected: unknown = JSON.parse(readFileSync(new URL(`${adapter.id}/${fixture}.expected.json`, fixturesDir), 'utf8'));
        expect(await extract(adapter, html)).toEqual(expected);
      });
    }
  }

  it('reads nothing from a page of another EHR on the same path', async () => {
    const tablemedPage = readFileSync(new URL('tablemed/wouters.html', fixturesDir), 'utf8');
    const medispa = BUILT_IN_ADAPTERS.find((adapter) => adapter.id === 'medispa');
    if (medispa === undefined) throw new Error('no medispa adapter');
    // Served where MediSPA's URL patterns match, but MediSPA's marker element is absent.
    expect(await extract(medispa, tablemedPage)).toBeNull();
  });
});
