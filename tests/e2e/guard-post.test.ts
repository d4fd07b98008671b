import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { ExtensionBrowser } from '../support/chromium.js';
import { correctField, openPopupFromEhr, startFlowBench, type FlowBench } from '../support/content-e2e.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * A guard post in Chromium with the real host and the simulator: it signs in with its organisation
 * certificate; the consultation read from the demo EHR asks for the physician on duty, Send stays
 * disabled until the clinician names them, and the insurer acknowledges the eAttest they authored.
 */

let bench: FlowBench;
let session: ExtensionBrowser;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (testPki) => testPki.guardPost });
  ({ session } = bench);
}, 120_000);
afterAll(async () => {
  await bench.close();
});

describe('a guard post (Chromium, real host, simulator)', () => {
  it('names the physician on duty before it can send, and the insurer records them as the author', async () => {
    const onDuty = bench.pki.clinicians.doctorRsa.identity;
    const page = await session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p1`);
    const popup = await openPopupFromEhr(session, page);

    // No physician on duty yet: the insurers' rule (100) above Send, shown at the field, Send disabled.
    await popup.waitForSelector('[data-field="consultation.performerNihii"]');
    await popup.waitForSelector('[data-testid="check-problems"] li[data-rule="performerRequired"]');
    expect(await popup.$eval('[data-testid="send-attestation"]', (element) => (element as HTMLButtonElement).disabled)).toBe(true);

    await correctField(popup, 'consultation.performerNihii', onDuty.nihii11);
    await correctField(popup, 'consultation.performerSsin', onDuty.ssin);
    await correctField(popup, 'consultation.performerFirstName', onDuty.givenName);
    await correctField(popup, 'consultation.performerLastName', onDuty.surname);
    await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])');
    await popup.click('[data-testid="send-attestation"]');
    const element = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    const ack = ((await element?.evaluate((node) => node.textContent)) ?? '').trim();
    expect(ack).toMatch(/^\d{3}-1-\d{6}-\d{7}-\d{2}$/);

    const stored = ((await simulatorAttestations(bench.simulator.url, bench.pki.caCert)) as StoredAttestation[]).find((candidate) => candidate.acknowledgementNumber === ack);
    expect(stored).toMatchObject({ providerNihii11: bench.pki.guardPost.identity.nihii11, performerNihii11: onDuty.nihii11 });
    await popup.close();
    await page.close();
  });
});
