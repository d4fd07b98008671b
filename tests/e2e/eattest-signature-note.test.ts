import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EhrServer } from '../../demo/ehr-server.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import type { ExtensionBrowser } from '../support/chromium.js';
import { openPopupFromEhr, startFlowBench, type FlowBench } from '../support/content-e2e.js';

/**
 * An acknowledgement whose insurer signature is intact but by a CA outside the host's trust store
 * (the simulator's answerSignerUnknownCa fault), in Chromium with the real host: the number is
 * shown as usual, with a quiet note under it, no error; today's history marks it too.
 */

let bench: FlowBench;
let ehr: EhrServer;
let session: ExtensionBrowser;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (testPki: TestPki) => testPki.clinicians.doctorRsa, simulator: { faults: [{ service: 'eattest', kind: 'answerSignerUnknownCa', count: 1 }] } });
  ({ ehr, session } = bench);
}, 120_000);
afterAll(async () => {
  await bench.close();
});

describe('an acknowledgement with an insurer signature the host could not fully verify', () => {
  it('shows the number with a quiet note, not an error, and marks it in today’s history', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/medispa/patients/p1`);
    const popup = await openPopupFromEhr(session, page);
    await popup.waitForSelector('[data-testid="send-attestation"]');
    await popup.click('[data-testid="send-attestation"]');

    await popup.waitForSelector('[data-testid="attestation-result"][data-outcome="acknowledged"] [data-testid="ack-number"]', { timeout: 30_000 });
    const note = await popup.waitForSelector('[data-testid="attestation-result"] [data-testid="signature-unverified"]', { timeout: 5_000 });
    expect(await note?.evaluate((element) => [element.getAttribute('role'), element.getAttribute('data-reasons'), element.className])).toEqual(['note', 'signer-untrusted', 'muted signature-note']);
    expect(await note?.evaluate((element) => element.textContent)).toMatch(/could not be fully verified.*acknowledgement is valid/);
    expect(await popup.$('[data-testid="attestation-result"] [data-error-code], [data-testid="attestation-result"] .banner-stop')).toBeNull();

    const marker = await popup.waitForSelector('[data-testid="history-entry"][data-status="acknowledged"] [data-testid="signature-unverified"]', { timeout: 10_000 });
    expect(await marker?.evaluate((element) => element.textContent)).toBe('signature not verified');
    await popup.close();
    await page.close();
  });
});
