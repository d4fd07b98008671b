import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEhrServer, type EhrServer } from '../../demo/ehr-server.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { launchFirefoxWithExtension, type FirefoxSession } from '../support/firefox.js';
import { clickFirefoxInPageButton, hostProblem, insurabilityRoute, openEhrPage, openPopupFromFirefoxEhr, openReceiptFromPopup } from '../support/firefox-flow.js';
import { sendAndAwaitAcknowledgement } from '../support/content-e2e.js';
import { provisionHostState } from '../support/provisioning.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * The main flow in Firefox ESR, as eattest-flow.test.ts runs it in Chromium: the extension as the
 * .xpi carries it (background.scripts, gecko id), the real host started by Firefox over native
 * messaging (a development install in a scratch home), the simulator over HTTPS. The demo EHR page,
 * the in-page button, the patient's insurability, the confirmation, the acknowledgement number
 * written back into the page, and the receipt. Then Firefox without the host: what the clinician is told.
 */

const ACK_FORM = /^\d{3}-1-\d{6}-\d{7}-\d{2}$/;
let pki: TestPki;
let simulator: Simulator;
let ehr: EhrServer;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  ehr = await startEhrServer();
}, 120_000);
afterAll(async () => {
  await ehr.close();
  await simulator.close();
});

// One Firefox at a time: each describe launches its own and closes it.
describe('from the EHR page to the acknowledgement number (Firefox ESR, real host, simulator)', () => {
  let stateDir: string;
  let session: FirefoxSession;
  beforeAll(async () => {
    stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
    session = await launchFirefoxWithExtension({ stateDir, grantedOrigins: ['http://127.0.0.1/*'] });
  }, 60_000);
  afterAll(async () => {
    await session.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('consults insurability, sends once, writes the number back and prints the receipt', async () => {
    const page = await openEhrPage(session, `${ehr.origin}/medispa/patients/p1`);
    const popup = await openPopupFromFirefoxEhr(session, page);
    // The host answered over Firefox's native messaging: the insurer's verdict for this patient.
    expect(await insurabilityRoute(popup)).toBe('eattest');

    const ack = await sendAndAwaitAcknowledgement(popup);
    expect(ack).toMatch(ACK_FORM);
    await page.waitForFunction((number) => document.querySelector<HTMLInputElement>('input[name="eattest-ack"]')?.value === number, { timeout: 10_000 }, ack);
    expect(await simulatorAttestations(simulator.url, pki.caCert)).toHaveLength(1);

    const receipt = await openReceiptFromPopup(session, popup);
    expect(await receipt.$eval('[data-testid="receipt-ack"]', (element) => element.textContent)).toBe(ack);
    expect(await receipt.$eval('[data-testid="receipt-patient"]', (element) => element.textContent)).toContain('85041213359');
    expect(await receipt.$eval('[data-testid="receipt-total"]', (element) => element.textContent)).toMatch(/30/);
  });
});

describe('Firefox without the host', () => {
  let bare: FirefoxSession;
  beforeAll(async () => {
    bare = await launchFirefoxWithExtension({ grantedOrigins: ['http://127.0.0.1/*'] });
  }, 60_000);
  afterAll(async () => {
    await bare.close();
  });

  it('says the host is not installed and what to do, never Firefox\'s own words', async () => {
    const page = await openEhrPage(bare, `${ehr.origin}/medispa/patients/p1`);
    const popup = await clickFirefoxInPageButton(bare, page);
    const problem = await hostProblem(popup);
    // Firefox's reason is "No such native application be.eattest.companion" (Chromium's differs).
    expect(problem.code).toBe('HOST_NOT_INSTALLED');
    expect(problem.text).toContain('eattest-host install');
    expect(problem.text).not.toMatch(/no such native application|Error:/i);
  });
});
