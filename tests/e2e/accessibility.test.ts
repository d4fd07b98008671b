import type { Page, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import { LANGUAGE_SETTING_KEY, type Language } from '../../src/shared/languages.js';
import { seriousViolations } from '../support/axe.js';
import { contentScriptRegistered, popupOpenedByButton, startFlowBench, type FlowBench } from '../support/content-e2e.js';

/**
 * axe-core on every state of the popup in each language of the product (issue 15): loading, a
 * patient in order, a patient not in order, an error, sending, acknowledged; the clinician's language
 * set as the options page sets it. (The options page and the receipt in the four languages:
 * receipt-language.test.ts; the keyboard alone and the stages: popup-glance.test.ts.) Each language
 * sends its own in-order consultation, since the same one is never attested twice.
 */

interface Walk {
  language: Language;
  /** An EHR page with a patient in order, and what shows once it is read. */
  inOrder: { path: string; ready: string };
}

const WALKS: Walk[] = [
  { language: 'en', inOrder: { path: '/medispa/patients/p1', ready: '.act[data-code]' } },
  { language: 'fr', inOrder: { path: '/medispa/patients/p4', ready: '.act[data-code]' } },
  { language: 'nl', inOrder: { path: '/medispa/patients/p5', ready: '.act[data-code]' } },
  { language: 'de', inOrder: { path: '/tablemed/consultation-2.html', ready: 'table#pat' } },
];
/** A medical house's patient: paper, not an eAttest. */
const NOT_IN_ORDER = { path: '/medispa/patients/p2', ready: '.act[data-code]' };
/** A patient whose insurability the insurer fails to give (the simulator answers 5xx). */
const UNREACHABLE = { path: '/medispa/patients/p3', ready: '.act[data-code]' };

let bench: FlowBench;
let worker: WebWorker;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (pki: TestPki) => pki.clinicians.doctorRsa });
  worker = await contentScriptRegistered(bench.session);
}, 120_000);
afterAll(async () => {
  await worker.evaluate((key) => chrome.storage.local.remove(key), LANGUAGE_SETTING_KEY);
  await bench.close();
});

/** The popup the EHR page's button opens, in the language set, with axe's findings as it opens. */
async function popupFromEhr(page: { path: string; ready: string }, language: Language): Promise<{ ehr: Page; popup: Page; loading: string[] }> {
  const ehr = await bench.session.browser.newPage();
  await ehr.goto(`${bench.ehr.origin}${page.path}`);
  const popup = await popupOpenedByButton(bench.session, ehr, page.ready);
  await popup.waitForFunction((expected) => document.documentElement.lang === expected, { timeout: 10_000 }, language);
  return { ehr, popup, loading: await seriousViolations(popup) };
}

describe('accessibility of the popup in every language (Chromium, real host, simulator, axe-core)', () => {
  it.each(WALKS)('$language: loading, in order, sending, acknowledged, not in order, error: no serious or critical violation', async ({ language, inOrder }) => {
    await worker.evaluate((key, value) => chrome.storage.local.set({ [key]: value }), LANGUAGE_SETTING_KEY, language);
    const found: Record<string, string[]> = {};

    const sent = await popupFromEhr(inOrder, language);
    found['loading'] = sent.loading;
    await sent.popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 20_000 });
    found['in order'] = await seriousViolations(sent.popup);
    // The insurer holds its answer a moment, so that the sending state is there to be checked.
    bench.simulator.setFaults([{ service: 'eattest', kind: 'latency', latencyMs: 3_000, count: 1 }]);
    await sent.popup.click('[data-testid="send-attestation"]');
    await sent.popup.waitForSelector('[data-testid="send-progress"][data-stage="sending"]', { timeout: 20_000 });
    found['sending'] = await seriousViolations(sent.popup);
    await sent.popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    found['acknowledged'] = await seriousViolations(sent.popup);
    await sent.popup.close();
    await sent.ehr.close();

    // The first time, Send asks and stops at the verdict; later the contact's answer is shown at once and Send is off.
    const paper = await popupFromEhr(NOT_IN_ORDER, language);
    const shown = await paper.popup.waitForSelector('[data-testid="route-banner"][data-route="paper"], [data-testid="send-attestation"]:not([disabled])', { timeout: 20_000 });
    if ((await shown?.evaluate((element) => element.getAttribute('data-testid'))) === 'send-attestation') {
      await shown?.click();
      await paper.popup.waitForSelector('[data-testid="send-stopped"][data-reason="route"]', { timeout: 20_000 });
    }
    expect(await paper.popup.$eval('[data-testid="send-attestation"]', (element) => (element as HTMLButtonElement).disabled)).toBe(true);
    found['not in order'] = await seriousViolations(paper.popup);
    await paper.popup.close();
    await paper.ehr.close();

    const failing = await popupFromEhr(UNREACHABLE, language);
    await failing.popup.waitForSelector('[data-testid="proposed-patient"][data-cache-checked="true"]', { timeout: 20_000 });
    bench.simulator.setFaults([{ service: 'memberdata', kind: 'http5xx', count: 5 }]);
    try {
      await failing.popup.click('[data-testid="send-attestation"]:not([disabled])');
      await failing.popup.waitForSelector('[data-testid="send-stopped"][data-reason="error"]', { timeout: 20_000 });
    } finally {
      bench.simulator.setFaults([]);
    }
    found['error'] = await seriousViolations(failing.popup);
    await failing.popup.close();
    await failing.ehr.close();

    expect(found).toEqual({ loading: [], 'in order': [], sending: [], acknowledged: [], 'not in order': [], error: [] });
  });
});
