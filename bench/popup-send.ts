import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from '../tests/support/chromium.js';
import { PATIENT_IN_ORDER } from './environment.js';

/**
 * Drives the popup's send flow like a clinician (typed SSIN, insurability, one act, review, Send)
 * and times the click on Send to the acknowledgement number inside the page itself: from the
 * trusted click event's timestamp to the moment the number is in the DOM, so that puppeteer's own
 * round trips never count.
 */

export const POPUP_PATH = 'src/popup/index.html';
const OUTCOME = '[data-testid="ack-number"], [data-testid="attestation-result"][data-outcome="refused"], [data-testid="attestation-confirm"] [role="alert"]';

interface BenchProbe {
  clickAt?: number;
  ackAt?: number;
}

/** Opens the popup (as a tab) and waits for the host's status: the host is then running. */
export async function openPopup(session: ExtensionBrowser): Promise<Page> {
  const page = await session.openExtensionPage(POPUP_PATH);
  await page.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 30_000 });
  return page;
}

/** Fills the draft by hand for the patient in order with one act, and reviews it: the Send button is then on screen. */
export async function prepareTypedSend(page: Page, actCode: string): Promise<void> {
  await page.type('[data-testid="patient-ssin"]', PATIENT_IN_ORDER.ssin);
  await page.click('[data-testid="check-insurability"]');
  await page.waitForSelector('[data-testid="insurability-card"]', { timeout: 30_000 });
  await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('[data-testid="draft-last-name"]')?.value ?? '') !== '', { timeout: 10_000 });
  await page.type('[data-testid="draft-act"] input[data-field="code"]', actCode);
  await page.type('[data-testid="draft-act"] input[data-field="amountPaid"]', '4,00');
  await reviewDraft(page);
}

/** Reviews whatever draft the popup holds; fails loudly when the draft has problems. */
async function reviewDraft(page: Page): Promise<void> {
  await page.click('[data-testid="review-attestation"]');
  const shown = await page.waitForSelector('[data-testid="send-attestation"], [data-testid="draft-problems"]', { timeout: 10_000 });
  const problems = await shown?.evaluate((element) => (element.getAttribute('data-testid') === 'draft-problems' ? element.textContent : null));
  if (problems !== null && problems !== undefined) throw new Error(`the draft was refused: ${problems}`);
}

/** Clicks Send (a trusted click) and returns the in-page time from that click to the rendered acknowledgement number. */
export async function clickSendAndTime(page: Page): Promise<{ elapsedMs: number; acknowledgementNumber: string }> {
  await page.evaluate(() => {
    const probe: BenchProbe = {};
    (globalThis as unknown as { __benchProbe: BenchProbe }).__benchProbe = probe;
    document.addEventListener(
      'click',
      (event) => {
        if (event.isTrusted && event.target instanceof Element && event.target.closest('[data-testid="send-attestation"]') !== null) probe.clickAt ??= event.timeStamp;
      },
      { capture: true },
    );
    const observer = new MutationObserver(() => {
      if (probe.ackAt === undefined && document.querySelector('[data-testid="ack-number"]') !== null) {
        probe.ackAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.click('[data-testid="send-attestation"]');
  const outcome = await page.waitForSelector(OUTCOME, { timeout: 60_000 });
  const acknowledgementNumber = await outcome?.evaluate((element) => (element.getAttribute('data-testid') === 'ack-number' ? element.textContent.trim() : null));
  if (acknowledgementNumber === null || acknowledgementNumber === undefined || acknowledgementNumber === '') {
    const shown = await outcome?.evaluate((element) => `${element.getAttribute('data-error-code') ?? ''} ${element.textContent}`);
    throw new Error(`the send was not acknowledged: ${shown ?? 'nothing shown'}`);
  }
  const probe = await page.evaluate(() => (globalThis as unknown as { __benchProbe: BenchProbe }).__benchProbe);
  if (probe.clickAt === undefined || probe.ackAt === undefined) throw new Error('the in-page probe missed the click or the number');
  return { elapsedMs: probe.ackAt - probe.clickAt, acknowledgementNumber };
}
