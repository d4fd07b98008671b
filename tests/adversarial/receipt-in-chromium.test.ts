import type { ElementHandle } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import { openPopupFromEhr, startFlowBench, type FlowBench } from '../support/content-e2e.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * Finding 2 in Chromium with the real host and the simulator: the first send's answer is lost
 * (dropAfterAccept: the insurer stored the 30 € attestation), the clinician edits the amount to
 * 50 € and sends again. The host re-sends the stored request; the popup says the edit was not
 * sent, and the supporting document shows what the insurer holds (30 €), never the draft.
 */

let bench: FlowBench;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (testPki: TestPki) => testPki.clinicians.doctorRsa });
}, 120_000);
afterAll(async () => {
  await bench.close();
});

describe('finding 2: the receipt is what the insurer received (Chromium, real host, simulator)', () => {
  it('prints the stored 30 € attestation the insurer acknowledged after an edit to 50 €, and says the edit was not sent', async () => {
    const { session, ehr, simulator, pki } = bench;
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/medispa/patients/p1`);
    simulator.setFaults([{ service: 'eattest', kind: 'dropAfterAccept', count: 1 }]);
    const popup = await openPopupFromEhr(session, page);
    await popup.click('[data-testid="review-attestation"]');
    await popup.waitForSelector('[data-testid="send-attestation"]');
    await popup.click('[data-testid="send-attestation"]');
    const lost = await popup.waitForSelector('[data-testid="attestation-confirm"] [data-error-code]', { timeout: 30_000 });
    expect(await lost?.evaluate((element) => element.getAttribute('data-error-code'))).toBe('MYCARENET_UNAVAILABLE');

    // Edit: the amount becomes 50 €, then send again.
    await popup.click('[data-testid="edit-attestation"]');
    const amount = (await popup.waitForSelector('[data-testid="draft-act"] [data-field="amountPaid"]')) as ElementHandle<HTMLInputElement>;
    await amount.click({ count: 3 });
    await amount.type('50');
    await popup.click('[data-testid="review-attestation"]');
    await popup.waitForSelector('[data-testid="confirm-summary"]');
    await popup.click('[data-testid="send-attestation"]');
    const ackElement = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    const ack = (await ackElement?.evaluate((element) => element.textContent)) ?? '';
    expect(await popup.$('[data-testid="draft-not-sent"]')).not.toBeNull();

    const held = ((await simulatorAttestations(simulator.url, pki.caCert)) as StoredAttestation[]).filter((stored) => stored.patientSsin === '85041213359');
    expect(held).toHaveLength(1);
    expect(held[0]?.acknowledgementNumber).toBe(ack);
    expect(held[0]?.attempts).toEqual([1, 2]);

    const before = new Set(session.browser.targets());
    await popup.click('[data-testid="print-receipt"]');
    const receiptTarget = await session.browser.waitForTarget((target) => !before.has(target) && target.url().includes('/src/receipt/index.html'), { timeout: 10_000 });
    const receipt = await receiptTarget.asPage();
    await receipt.waitForSelector('[data-testid="receipt"]', { timeout: 10_000 });
    expect(await receipt.$eval('[data-testid="receipt-ack"]', (element) => element.textContent)).toBe(ack);
    const total = await receipt.$eval('[data-testid="receipt-total"]', (element) => element.textContent);
    expect(total).toMatch(/30/);
    expect(total).not.toMatch(/50/);
    await receipt.close();
    if (!popup.isClosed()) await popup.close().catch(() => undefined);
    await page.close();
  });
});
