import puppeteer, { type Page } from 'puppeteer-core';
import { startEhrServer } from '../demo/ehr-server.js';
import { BUILT_IN_ADAPTERS } from '../src/content/adapters/index.js';
import type { Adapter } from '../src/shared/adapters/adapter-schema.js';
import { chromiumPath } from '../tests/support/chromium.js';
import { scraperBundle } from '../tests/support/scraper-bundle.js';
import { round } from './stats.js';

/**
 * Figure 6, first half: the content script's scraper (find the adapter, read the consultation) on
 * each demo EHR page and on a generated page of 10,000 extra nodes, in real Chromium, timed inside
 * the page; long tasks (≥ 50 ms) that overlap a scrape are counted with a PerformanceObserver.
 */

export interface PageScrape {
  page: string;
  nodes: number;
  /** The first scrape of the page, as the content script does it on arrival. */
  firstMs: number;
  medianMs: number;
  maxMs: number;
  longTasks: number;
  acts: number;
}

export interface ScrapeFigures {
  pages: PageScrape[];
  worstMedianMs: number;
  generatedPageMs: number;
  longTasks: number;
}

/** Demo pages, with the element that says the consultation is fully rendered. */
const DEMO_PAGES: readonly { path: string; ready: string }[] = [
  { path: '/medispa/patients/p1', ready: '[data-view="consultation"] .act[data-code]' },
  { path: '/medispa/patients/p2', ready: '[data-view="consultation"] .act[data-code]' },
  { path: '/tablemed/consultation-1.html', ready: 'table#pat' },
  { path: '/tablemed/consultation-2.html', ready: 'table#pat' },
  { path: '/dentachart/patient-1.html', ready: '#patient-card' },
  { path: '/dentachart/patient-2.html', ready: '#patient-card' },
];
const GENERATED_PATH = '/tablemed/generated-10000.html';
const GENERATED_NODES = 10_000;

type ScraperGlobal = { eattestScraper: { findAdapter: (adapters: Adapter[], url: string, document: Document) => Adapter | undefined; readConsultation: (adapter: Adapter, document: Document) => { acts: unknown[] } } };

async function scrapeIn(page: Page, bundle: string, repeats: number): Promise<Omit<PageScrape, 'page'>> {
  await page.addScriptTag({ content: bundle });
  return page.evaluate(
    async (adapters: Adapter[], count: number) => {
      const longTasks: PerformanceEntry[] = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
      observer.observe({ type: 'longtask', buffered: false });
      const scraper = (globalThis as unknown as ScraperGlobal).eattestScraper;
      const windows: [number, number][] = [];
      let acts = -1;
      for (let run = 0; run < count; run += 1) {
        const started = performance.now();
        const adapter = scraper.findAdapter(adapters, location.href, document);
        const reading = adapter === undefined ? undefined : scraper.readConsultation(adapter, document);
        windows.push([started, performance.now()]);
        acts = reading?.acts.length ?? -1;
        // Let the page breathe between runs, as separate mutations would.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      // Long tasks are reported after they end.
      await new Promise((resolve) => setTimeout(resolve, 100));
      observer.disconnect();
      const durations = windows.map(([start, end]) => end - start);
      const sorted = [...durations].sort((a, b) => a - b);
      const overlapping = longTasks.filter((task) => windows.some(([start, end]) => task.startTime < end && task.startTime + task.duration > start)).length;
      return {
        nodes: document.getElementsByTagName('*').length,
        firstMs: durations[0] ?? -1,
        medianMs: sorted[Math.floor(sorted.length / 2)] ?? -1,
        maxMs: sorted[sorted.length - 1] ?? -1,
        longTasks: overlapping,
        acts,
      };
    },
    BUILT_IN_ADAPTERS as Adapter[],
    repeats,
  );
}

/** A TableMed consultation with 10,000 unrelated nodes around it, as a heavy real page would have. */
function generatedPage(tablemedHtml: string): string {
  const filler: string[] = [];
  // Each block is 4 elements: div > (span, a > b).
  for (let block = 0; block < GENERATED_NODES / 4; block += 1) filler.push(`<div class="noise-${block % 17}"><span>item ${block}</span><a href="#n${block}"><b>${block}</b></a></div>`);
  const half = filler.length / 2;
  return tablemedHtml.replace('<body>', `<body><div id="before">${filler.slice(0, half).join('')}</div>`).replace('</body>', `<div id="after">${filler.slice(half).join('')}</div></body>`);
}

export async function measureScrape(options: { repeats: number }): Promise<ScrapeFigures> {
  const bundle = await scraperBundle();
  const ehr = await startEhrServer();
  const browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, pipe: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    // The demo server's CSP forbids inline scripts; the bench injects the scraper as the content script would be.
    await page.setBypassCSP(true);
    const pages: PageScrape[] = [];
    for (const demo of DEMO_PAGES) {
      await page.goto(`${ehr.origin}${demo.path}`);
      await page.waitForSelector(demo.ready, { timeout: 10_000 });
      const scraped = await scrapeIn(page, bundle, options.repeats);
      if (scraped.acts < 0) throw new Error(`no adapter read ${demo.path}`);
      pages.push({ page: demo.path, ...scraped });
    }

    const tablemed = await (await fetch(`${ehr.origin}/tablemed/consultation-1.html`)).text();
    const heavy = generatedPage(tablemed);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() === `${ehr.origin}${GENERATED_PATH}`) void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: heavy });
      else void request.continue();
    });
    await page.goto(`${ehr.origin}${GENERATED_PATH}`);
    await page.waitForSelector('table#pat', { timeout: 10_000 });
    const generated = await scrapeIn(page, bundle, options.repeats);
    if (generated.acts < 0) throw new Error('no adapter read the generated page');
    if (generated.nodes < GENERATED_NODES) throw new Error(`the generated page has only ${generated.nodes} nodes`);
    pages.push({ page: GENERATED_PATH, ...generated });

    const rounded = pages.map((entry) => ({ ...entry, firstMs: round(entry.firstMs, 3), medianMs: round(entry.medianMs, 3), maxMs: round(entry.maxMs, 3) }));
    return {
      pages: rounded,
      worstMedianMs: Math.max(...rounded.map((entry) => entry.medianMs)),
      generatedPageMs: rounded[rounded.length - 1]?.medianMs ?? -1,
      longTasks: rounded.reduce((sum, entry) => sum + entry.longTasks, 0),
    };
  } finally {
    await browser.close();
    await ehr.close();
  }
}
