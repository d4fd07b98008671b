import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EhrServer } from '../../demo/ehr-server.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { Simulator } from '../../simulator/src/server.js';
import type { ExtensionBrowser } from '../support/chromium.js';
import { clickInPageButton, consultProposedPatient, openDisclosure, startFlowBench, waitForPopup, type FlowBench } from '../support/content-e2e.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * A doctor whose eHealth certificate is ECDSA P-384, like the 2025 ones (authentication and ETK
 * encryption keys both EC), through the whole flow in Chromium with the real host and the
 * simulator: STS holder-of-key and WS-Security signed with ECDSA, the insurability answer sealed
 * for the doctor's EC ETK (ECDH key agreement) and unsealed by the host, the eAttest (XAdES and
 * seal signed with ECDSA, its answer sealed for the EC ETK), then its cancellation.
 */

const ACK_FORM = /^\d{3}-1-\d{6}-\d{7}-\d{2}$/;
let bench: FlowBench;
let pki: TestPki;
let simulator: Simulator;
let ehr: EhrServer;
let session: ExtensionBrowser;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (testPki: TestPki) => testPki.clinicians.doctorEc });
  ({ pki, simulator, ehr, session } = bench);
}, 120_000);
afterAll(async () => {
  await bench.close();
});

describe('a doctor with an EC P-384 certificate (Chromium, real host, simulator)', () => {
  it('has EC P-384 keys for signing and for the ETK', () => {
    const doctor = pki.clinicians.doctorEc;
    for (const file of [doctor.authCert, doctor.encCert]) {
      const key = new X509Certificate(readFileSync(file)).publicKey;
      expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve]).toEqual(['ec', 'secp384r1']);
    }
  });

  it('sees the insurability, sends the eAttest, gets the number and cancels it', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/medispa/patients/p1`);
    await page.waitForSelector('.act[data-code]', { timeout: 20_000 });
    await clickInPageButton(page);
    const popup = await waitForPopup(session);

    // Insurability, once the clinician confirms the patient: MemberData's answer was sealed for the doctor's EC ETK.
    await consultProposedPatient(popup);
    expect(await popup.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-route'))).toBe('eattest');

    // eAttest.
    await popup.waitForSelector('[data-testid="confirm-summary"]');
    expect(await popup.$eval('[data-testid="confirm-ssin"]', (element) => element.textContent)).toBe('85041213359');
    await popup.click('[data-testid="send-attestation"]');
    const ackElement = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    const ack = (await ackElement?.evaluate((element) => element.textContent)) ?? '';
    expect(ack).toMatch(ACK_FORM);
    const attested = (await simulatorAttestations(simulator.url, pki.caCert)) as StoredAttestation[];
    expect(attested.map((stored) => [stored.acknowledgementNumber, stored.providerNihii11])).toEqual([[ack, pki.clinicians.doctorEc.identity.nihii11]]);

    // Cancel, from today's history in the popup.
    await openDisclosure(popup, 'today');
    await popup.waitForSelector('[data-testid="history-entry"][data-status="acknowledged"] [data-testid="start-cancel"]', { timeout: 10_000 });
    await popup.click('[data-testid="history-entry"][data-status="acknowledged"] [data-testid="start-cancel"]');
    await popup.waitForSelector('[data-testid="cancel-reason"]');
    await popup.select('[data-testid="cancel-reason"]', 'C');
    await popup.click('[data-testid="confirm-cancel"]');
    await popup.waitForSelector('[data-testid="history-entry"][data-status="cancelled"]', { timeout: 30_000 });
    expect(await popup.$eval('[data-testid="history-entry"][data-status="cancelled"] [data-testid="history-ack"]', (element) => element.textContent)).toBe(ack);
    const afterCancel = (await simulatorAttestations(simulator.url, pki.caCert)) as StoredAttestation[];
    expect(afterCancel.find((stored) => stored.acknowledgementNumber === ack)?.cancelled?.reason).toBe('C');

    await popup.close().catch(() => undefined);
    await page.close();
  });
});
