import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import { openDisclosure, openPopupFromEhr, startFlowBench, type FlowBench } from '../support/content-e2e.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * The transmission room in Chromium with the real host and the simulator.
 * Finding 2: the first send's answer is lost (dropAfterAccept: the insurer stored the 30 €
 * attestation), the clinician edits the amount to 50 € and sends again. The host re-sends the
 * stored request; the popup says the edit was not sent, and the supporting document shows what
 * the insurer holds (30 €), never the draft.
 * The abandon path: an unknown outcome is given up from today's list, with a reason and a
 * confirmation, journaled; only then does a new send go out.
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

  it('gives up an unknown send from today’s list only with a reason and a confirmation, journaled; then a new send goes out', async () => {
    const { session, ehr, simulator, pki, stateDir } = bench;
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/tablemed/consultation-2.html`);
    // The connection is reset before the insurer reads the request: it holds nothing, the host cannot know.
    simulator.setFaults([{ service: 'eattest', kind: 'reset', count: 1 }]);
    const popup = await openPopupFromEhr(session, page, 'table#pat');
    await popup.waitForSelector('[data-testid="send-attestation"]');
    await popup.click('[data-testid="send-attestation"]');
    await popup.waitForSelector('[data-testid="attestation-confirm"] [data-error-code]', { timeout: 30_000 });

    await openDisclosure(popup, 'today');
    await popup.waitForSelector('[data-testid="history-entry"][data-status="unknown"] [data-testid="start-abandon"]', { timeout: 10_000 });
    await popup.click('[data-testid="history-entry"][data-status="unknown"] [data-testid="start-abandon"]');
    const confirm = '[data-testid="confirm-abandon"]';
    await popup.waitForSelector(confirm);
    expect(await popup.$eval(confirm, (element) => (element as HTMLButtonElement).disabled)).toBe(true);
    await popup.type('[data-testid="abandon-reason"]', 'JSIS helpdesk: nothing received under this reference');
    // A reason alone is not enough: the clinician confirms they checked with the insurer.
    expect(await popup.$eval(confirm, (element) => (element as HTMLButtonElement).disabled)).toBe(true);
    await popup.click('[data-testid="abandon-confirm"]');
    await popup.click(confirm);
    await popup.waitForSelector('[data-testid="history-entry"][data-status="abandoned"]', { timeout: 10_000 });
    const journal = readFileSync(join(stateDir, 'journal', 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"kind":"send-abandoned"');
    expect(journal).toContain('JSIS helpdesk: nothing received under this reference');

    // Now the send goes out anew, and the insurer holds exactly it.
    await popup.click('[data-testid="send-attestation"]');
    const ackElement = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    const ack = (await ackElement?.evaluate((element) => element.textContent)) ?? '';
    const held = ((await simulatorAttestations(simulator.url, pki.caCert)) as StoredAttestation[]).filter((stored) => stored.acknowledgementNumber === ack);
    expect(held).toHaveLength(1);
    expect(held[0]?.attempts).toEqual([1]);
    if (!popup.isClosed()) await popup.close().catch(() => undefined);
    await page.close();
  });
});
