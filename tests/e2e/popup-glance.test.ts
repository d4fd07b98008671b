import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import { seriousViolations } from '../support/axe.js';
import { clickInPageButton, popupOpenedByButton, startFlowBench, waitForPopup, type FlowBench } from '../support/content-e2e.js';

/**
 * The clinician's popup (issue 15) in Chromium with the real host and the simulator: the common case
 * on one screen at the popup's default size (400 px wide, Chrome's popup at most 600 px high), from
 * the EHR's button to the acknowledgement in two clicks with the stages said as they happen, a
 * patient not for an eAttest stopped at the verdict with nothing sent, "signing in" said only while
 * a cold host signs in (protocol 3's progress frames), the keyboard alone, and axe-core on every state.
 */

const ACK_FORM = /^\d{3}-1-\d{6}-\d{7}-\d{2}$/;
const POPUP = 'src/popup/index.html';
let bench: FlowBench;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (pki: TestPki) => pki.clinicians.doctorRsa });
}, 120_000);
afterAll(async () => {
  await bench.close();
});

/** Records, in the popup, every stage the progress line shows, in order (consecutive repeats once). */
async function recordStages(popup: Page): Promise<void> {
  await popup.evaluate(() => {
    const stages: string[] = [];
    (globalThis as Record<string, unknown>)['__stages'] = stages;
    const note = () => {
      const stage = document.querySelector('[data-testid="send-progress"]')?.getAttribute('data-stage') ?? '';
      if (stage !== '' && stages.at(-1) !== stage) stages.push(stage);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
  });
}

const recordedStages = (popup: Page) => popup.evaluate(() => (globalThis as Record<string, unknown>)['__stages'] as string[]);
const eattestRequests = () => bench.simulator.requestCounts().eattest;
const memberDataRequests = () => bench.simulator.requestCounts().memberdata;

describe('the popup at a glance (Chromium, real host, simulator)', () => {
  // First, while the host has no eHealth session yet (no EHR page has had it warm up).
  it('says "signing in" while a cold host signs in to eHealth, then goes on', async () => {
    const popup = await bench.session.openExtensionPage(POPUP);
    await popup.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
    await recordStages(popup);
    // The JSIS patient, whom only the keyboard test below sends (from the cache then: once per contact).
    await popup.type('[data-testid="patient-ssin"]', scenarioByKey('jsis').ssin);
    await popup.click('[data-testid="check-insurability"]');
    await popup.waitForSelector('[data-testid="route-banner"][data-reason="jsis"]', { timeout: 20_000 });
    await popup.waitForSelector('[data-testid="send-progress"][data-stage=""]', { timeout: 20_000 });
    expect(await recordedStages(popup)).toEqual(['signingIn']);
    await popup.close();
  });

  it('fits one screen for a patient in order with one act, and goes from the EHR button to the acknowledgement in two clicks', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p1`);
    await page.waitForSelector('.act[data-code]', { timeout: 20_000 });
    let clicks = 0;

    await clickInPageButton(page);
    clicks += 1;
    const popup = await waitForPopup(bench.session);
    // Loading: the popup as it opens, before the host has answered.
    expect(await seriousViolations(popup)).toEqual([]);

    // In order, at a glance: who, the verdict still to ask (the page's click asks nothing), the act, the total, Send.
    await popup.waitForSelector('[data-testid="proposed-patient"][data-cache-checked="true"]', { timeout: 20_000 });
    await popup.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
    const send = await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 20_000 });
    expect(await popup.$eval('[data-testid="confirm-patient"]', (element) => element.textContent)).toBe('LAMBERT, Julie');
    expect(await popup.$eval('[data-testid="confirm-ssin"]', (element) => element.textContent)).toBe('85041213359');
    expect(await popup.$$eval('[data-testid="confirm-act"]', (rows) => rows.map((row) => row.firstElementChild?.textContent))).toEqual(['101076']);
    expect(await popup.$eval('[data-testid="confirm-total"]', (element) => element.textContent)).toMatch(/\d/);
    const size = await popup.evaluate(() => ({
      scrollHeight: document.scrollingElement?.scrollHeight ?? Infinity,
      scrollWidth: document.scrollingElement?.scrollWidth ?? Infinity,
      innerHeight,
      innerWidth,
    }));
    expect(size.innerHeight).toBeLessThanOrEqual(600);
    expect(size.scrollHeight).toBeLessThanOrEqual(size.innerHeight);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
    // Nothing in the way: the fields as read and the insurer's details are closed disclosures.
    expect(await popup.$eval('[data-testid="fields-as-read"]', (element) => (element as HTMLDetailsElement).open)).toBe(false);
    expect(await popup.$eval('[data-testid="more-details"]', (element) => (element as HTMLDetailsElement).open)).toBe(false);
    expect(await seriousViolations(popup)).toEqual([]);

    // The second click: insurability asked (once), then the eAttest sent; the insurer holds each
    // answer a moment so that the sending state is there to be checked.
    const before = { memberData: memberDataRequests(), eattest: eattestRequests() };
    bench.simulator.setFaults([{ service: 'eattest', kind: 'latency', latencyMs: 4_000, count: 1 }]);
    await recordStages(popup);
    await send?.click();
    clicks += 1;
    await popup.waitForSelector('[data-testid="send-progress"][data-stage="sending"]', { timeout: 20_000 });
    expect(await popup.$eval('[data-testid="send-attestation"]', (element) => [element.getAttribute('aria-busy'), (element as HTMLButtonElement).disabled])).toEqual(['true', true]);
    expect(await seriousViolations(popup)).toEqual([]);

    const ack = (await (await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 }))?.evaluate((element) => element.textContent)) ?? '';
    expect(ack).toMatch(ACK_FORM);
    expect(clicks).toBe(2);
    expect(memberDataRequests()).toBe(before.memberData + 1);
    expect(eattestRequests()).toBe(before.eattest + 1);
    expect(await recordedStages(popup)).toEqual(['checking', 'sending', 'acknowledged']);
    expect(await seriousViolations(popup)).toEqual([]);

    // Afterwards: the number copyable, written back into the EHR's field, the receipt one click away.
    expect(await popup.$('[data-testid="copy-ack"]')).not.toBeNull();
    await page.waitForFunction((number) => document.querySelector<HTMLInputElement>('input[name="eattest-ack"]')?.value === number, { timeout: 10_000 }, ack);
    const receiptTarget = bench.session.browser.waitForTarget((target) => target.url().includes('/src/receipt/index.html'), { timeout: 10_000 });
    await popup.click('[data-testid="print-receipt"]');
    const receipt = await (await receiptTarget).asPage();
    expect(await (await receipt.waitForSelector('[data-testid="receipt-ack"]', { timeout: 10_000 }))?.evaluate((element) => element.textContent)).toContain(ack);
    await receipt.close();
    // Opening the receipt's tab takes the focus, which closes a real toolbar popup on its own.
    if (!popup.isClosed()) await popup.close().catch(() => undefined);
    await page.close();
  });

  it('stops at the verdict for a patient not for an eAttest: the reason shown, nothing sent', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p2`);
    const popup = await popupOpenedByButton(bench.session, page);
    const before = eattestRequests();
    // The insurer holds its answer a moment, so that the popup's loading state (insurability being asked) is there to be checked.
    bench.simulator.setFaults([{ service: 'memberdata', kind: 'latency', latencyMs: 4_000, count: 1 }]);
    await recordStages(popup);
    await popup.click('[data-testid="send-attestation"]:not([disabled])');
    await popup.waitForSelector('[data-testid="insurability-loading"]', { timeout: 20_000 });
    expect(await popup.$eval('[data-testid="send-progress"]', (element) => element.getAttribute('data-stage'))).toBe('checking');
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.waitForSelector('[data-testid="send-stopped"][data-reason="route"]', { timeout: 20_000 });
    expect(await popup.$eval('[data-testid="route-banner"]', (element) => [element.getAttribute('data-route'), element.getAttribute('data-reason')])).toEqual(['paper', 'medicalHouse']);
    expect(await popup.$eval('[data-testid="send-attestation"]', (element) => (element as HTMLButtonElement).disabled)).toBe(true);
    expect(await recordedStages(popup)).toEqual(['checking']);
    expect(await popup.$('[data-testid="ack-number"]')).toBeNull();
    expect(eattestRequests()).toBe(before);
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.close();
    await page.close();
  });

  it('stops when insurability cannot be had: the error on the verdict line, nothing sent', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p3`);
    const popup = await popupOpenedByButton(bench.session, page);
    await popup.waitForSelector('[data-testid="proposed-patient"][data-cache-checked="true"]', { timeout: 20_000 });
    const before = eattestRequests();
    bench.simulator.setFaults([{ service: 'memberdata', kind: 'http5xx', count: 5 }]);
    try {
      await popup.click('[data-testid="send-attestation"]:not([disabled])');
      await popup.waitForSelector('[data-testid="send-stopped"][data-reason="error"]', { timeout: 20_000 });
    } finally {
      bench.simulator.setFaults([]);
    }
    expect(await popup.$('[data-testid="insurability-error"] [data-error-code]')).not.toBeNull();
    expect(await popup.$('[data-testid="ack-number"]')).toBeNull();
    expect(eattestRequests()).toBe(before);
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.close();
    await page.close();
  });

  it('sends with the keyboard alone: Tab reaches Send with a visible focus, Enter sends', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/tablemed/consultation-2.html`);
    await page.waitForSelector('table#pat', { timeout: 20_000 });
    await clickInPageButton(page);
    const popup = await waitForPopup(bench.session);
    await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 20_000 });
    const focusedTestId = () => popup.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.localName ?? null);
    for (let presses = 0; presses < 10 && (await focusedTestId()) !== 'send-attestation'; presses += 1) await popup.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('send-attestation');
    expect(await popup.$eval('[data-testid="send-attestation"]', (element) => getComputedStyle(element).outlineStyle)).not.toBe('none');
    await popup.keyboard.press('Enter');
    expect(await (await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 }))?.evaluate((element) => element.textContent)).toMatch(/^rcam-1-\d{6}-\d{7}-\d{2}$/);
    await popup.close();
    await page.close();
  });

  it('has no serious accessibility violation when insurability fails, nor on the options page with the diagnostics', async () => {
    const popup = await bench.session.openExtensionPage(POPUP);
    await popup.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
    await popup.type('[data-testid="patient-ssin"]', scenarioByKey('unknown').ssin);
    await popup.click('[data-testid="check-insurability"]');
    await popup.waitForSelector('[data-testid="insurability-error"] [data-error-code="PATIENT_UNKNOWN"]', { timeout: 20_000 });
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.close();

    const options = await bench.session.openExtensionPage('src/options/index.html');
    await options.waitForSelector('[data-testid="diagnostics"] [data-testid="host-version"]', { timeout: 20_000 });
    expect(await options.$eval('[data-testid="host-environment"]', (element) => element.textContent)).toContain('Simulator');
    expect(await seriousViolations(options)).toEqual([]);
    await options.close();
  });
});
