import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { Simulator } from '../simulator/src/server.js';
import type { EhrServer } from './ehr-server.js';

/**
 * `npm start -- --headless`: the clinician's day in screenshots, each state of the popup at its
 * default size (400 px wide; a toolbar popup is at most 600 px high), as the clinician sees it:
 * the EHR page with its button, the popup as it opens (loading), a patient in order at a glance,
 * sending, acknowledged, the patient's supporting document, a patient not for an eAttest, an
 * insurer that does not answer, today's ledger, and the options page's diagnostics.
 */

interface Walkthrough {
  browser: Browser;
  ehr: EhrServer;
  simulator: Simulator;
  extensionId: string;
  screenshotDir: string;
  step: (text: string) => void;
}

export async function runWalkthrough({ browser, ehr, simulator, extensionId, screenshotDir, step }: Walkthrough): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const popupUrl = `chrome-extension://${extensionId}/src/popup/index.html`;
  const shoot = async (page: Page, name: string, what: string, fullPage = false) => {
    const file = join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    step(`${what}: ${file}`);
  };
  const text = (page: Page, selector: string) => page.$eval(selector, (element) => (element as HTMLElement).innerText.replace(/\s+/g, ' ').trim()).catch(() => '');

  /** The EHR page's in-page button, clicked as the clinician does (a trusted click), and the popup it opens. */
  const popupFromEhr = async (path: string, ready: string): Promise<{ ehrPage: Page; popup: Page }> => {
    const ehrPage = await browser.newPage();
    await ehrPage.setViewport({ width: 1100, height: 700 });
    await ehrPage.goto(`${ehr.origin}${path}`);
    await ehrPage.waitForSelector(ready, { timeout: 20_000 });
    const button = await ehrPage.waitForSelector('eattest-companion-button', { visible: true, timeout: 20_000 });
    const box = await button?.boundingBox();
    if (box === null || box === undefined) throw new Error(`no eAttest button on ${path}`);
    const before = new Set(browser.targets());
    await ehrPage.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const target = await browser.waitForTarget((candidate) => !before.has(candidate) && candidate.url().startsWith(popupUrl), { timeout: 20_000 });
    const popup = await target.asPage();
    await popup.setViewport({ width: 400, height: 600 });
    return { ehrPage, popup };
  };

  // A patient in order: the page, the popup opening, at a glance, sending, acknowledged, the receipt.
  const first = await popupFromEhr('/medispa/patients/p1', '.act[data-code]');
  await shoot(first.ehrPage, 'ehr-medispa', 'the EHR page with its eAttest button');
  await shoot(first.popup, 'popup-loading', 'the popup as it opens');
  await first.popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 30_000 });
  await shoot(first.popup, 'popup-glance', 'a patient in order, at a glance');
  // The insurer holds its answer a moment, so that "sending" can be seen.
  simulator.setFaults([{ service: 'eattest', kind: 'latency', latencyMs: 3_000, count: 1 }]);
  await first.popup.click('[data-testid="send-attestation"]');
  const sending = await first.popup.waitForSelector('[data-testid="send-progress"][data-stage="sending"], [data-testid="ack-number"], [data-testid="send-stopped"]', { timeout: 30_000 });
  if ((await sending?.evaluate((element) => element.getAttribute('data-stage'))) === 'sending') await shoot(first.popup, 'popup-sending', 'sending');
  const result = await first.popup.waitForSelector('[data-testid="ack-number"], [data-testid="send-stopped"], [data-testid="attestation-result"]', { timeout: 60_000 });
  await shoot(first.popup, 'popup-acknowledged', 'after the send');
  const ack = await first.popup.$eval('[data-testid="ack-number"]', (element) => element.textContent).catch(() => undefined);
  if (ack === undefined) {
    step(`not acknowledged: ${(await result?.evaluate((element) => (element as HTMLElement).innerText)) ?? ''}`);
  } else {
    step(`acknowledgement number: ${ack}`);
    const before = new Set(browser.targets());
    await first.popup.click('[data-testid="print-receipt"]');
    const receiptTarget = await browser.waitForTarget((target) => !before.has(target) && target.url().includes('/src/receipt/index.html'), { timeout: 20_000 });
    const receipt = await receiptTarget.asPage();
    await receipt.waitForSelector('[data-testid="receipt"]', { timeout: 20_000 });
    await receipt.setViewport({ width: 800, height: 900 });
    await shoot(receipt, 'receipt', `the supporting document, in the patient's language (${await receipt.evaluate(() => document.documentElement.lang)})`, true);
    await receipt.close();
    const written = await first.ehrPage.$eval('input[name="eattest-ack"]', (element) => element.value).catch(() => '');
    step(`written back into the EHR: ${written === '' ? '(no)' : written}`);
  }
  if (!first.popup.isClosed()) await first.popup.close();

  // A patient of a medical house: Send asks the insurer and stops at the verdict, nothing sent.
  const paper = await popupFromEhr('/medispa/patients/p2', '.act[data-code]');
  const paperShown = await paper.popup.waitForSelector('[data-testid="route-banner"][data-route="paper"], [data-testid="send-attestation"]:not([disabled])', { timeout: 30_000 });
  if ((await paperShown?.evaluate((element) => element.getAttribute('data-testid'))) === 'send-attestation') {
    await paperShown?.click();
    await paper.popup.waitForSelector('[data-testid="send-stopped"]', { timeout: 30_000 });
  }
  step(`not in order: ${await text(paper.popup, '[data-testid="route-banner"]')}`);
  await shoot(paper.popup, 'popup-not-in-order', 'a patient not for an eAttest');
  await paper.popup.close();
  await paper.ehrPage.close();

  // The insurer does not answer: the error on the verdict line, nothing sent.
  const failing = await popupFromEhr('/medispa/patients/p3', '.act[data-code]');
  await failing.popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 30_000 });
  simulator.setFaults([{ service: 'memberdata', kind: 'http5xx', count: 5 }]);
  try {
    await failing.popup.click('[data-testid="send-attestation"]');
    await failing.popup.waitForSelector('[data-testid="send-stopped"]', { timeout: 30_000 });
  } finally {
    simulator.setFaults([]);
  }
  await shoot(failing.popup, 'popup-error', 'an insurer that does not answer');
  await failing.popup.close();
  await failing.ehrPage.close();

  // Today's ledger, from the toolbar popup; and the options page's diagnostics.
  const today = await browser.newPage();
  await today.setViewport({ width: 400, height: 600 });
  await today.goto(popupUrl);
  await today.waitForSelector('details[data-testid="today"] > summary', { timeout: 20_000 });
  await today.click('details[data-testid="today"] > summary');
  await today.waitForSelector('[data-testid="history"]', { timeout: 20_000 });
  await today.$eval('details[data-testid="today"]', (element) => element.scrollIntoView());
  await shoot(today, 'popup-today', "today's ledger");
  await today.close();
  const options = await browser.newPage();
  await options.setViewport({ width: 900, height: 900 });
  await options.goto(`chrome-extension://${extensionId}/src/options/index.html`);
  await options.waitForSelector('[data-testid="host-status"]:not([data-state="loading"])', { timeout: 20_000 });
  await shoot(options, 'options', 'the options page: diagnostics, sites, adapters, language', true);
  await options.close();
  await first.ehrPage.close();
}
