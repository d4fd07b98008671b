import { rmSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EhrServer } from '../../demo/ehr-server.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import type { Simulator } from '../../simulator/src/server.js';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.js';
import { clickInPageButton, consultProposedPatient, contentScriptRegistered, correctField, openPopupFromEhr, startFlowBench, waitForPopup, type FlowBench } from '../support/content-e2e.js';
import { provisionHostState } from '../support/provisioning.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * The whole flow in Chromium with the real host and the simulator: a demo EHR page, the in-page
 * button, the popup with the patient's insurability, the confirm screen, the acknowledgement
 * number, the supporting document, the number written back into the EHR, and the same
 * consultation refused a second time (one attestation at the simulator).
 */

const ACK_FORM = /^\d{3}-1-\d{6}-\d{7}-\d{2}$/;
let bench: FlowBench;
let pki: TestPki;
let simulator: Simulator;
let ehr: EhrServer;
let session: ExtensionBrowser;

beforeAll(async () => {
  bench = await startFlowBench({ clinician: (testPki: TestPki) => testPki.clinicians.doctorRsa });
  ({ pki, simulator, ehr, session } = bench);
}, 120_000);
afterAll(async () => {
  await bench.close();
});

function attestationsAtSimulator(): Promise<unknown[]> {
  return simulatorAttestations(simulator.url, pki.caCert);
}

describe('from the EHR page to the acknowledgement number (Chromium, real host, simulator)', () => {
  it('sends once, shows the number, prints the receipt, writes it back, and refuses the same consultation again', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/medispa/patients/p1`);
    const popup = await openPopupFromEhr(session, page);
    expect(await popup.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-route'))).toBe('eattest');

    await popup.waitForSelector('[data-testid="confirm-summary"]');
    expect(await popup.$eval('[data-testid="confirm-ssin"]', (element) => element.textContent)).toBe('85041213359');
    expect(await popup.$$eval('[data-testid="confirm-act"]', (rows) => rows.map((row) => row.firstElementChild?.textContent))).toEqual(['101076']);
    await popup.click('[data-testid="send-attestation"]');
    const ackElement = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    const ack = (await ackElement?.evaluate((element) => element.textContent)) ?? '';
    expect(ack).toMatch(ACK_FORM);

    // The history of today, and the number written back into the EHR's field.
    await popup.waitForSelector('[data-testid="history-entry"][data-status="acknowledged"]', { timeout: 10_000 });
    await page.waitForFunction((number) => document.querySelector<HTMLInputElement>('input[name="eattest-ack"]')?.value === number, { timeout: 10_000 }, ack);

    // The supporting document, in its own extension page.
    const before = new Set(session.browser.targets());
    await popup.click('[data-testid="print-receipt"]');
    const receiptTarget = await session.browser.waitForTarget((target) => !before.has(target) && target.url().includes('/src/receipt/index.html'), { timeout: 10_000 });
    const receipt = await receiptTarget.asPage();
    await receipt.waitForSelector('[data-testid="receipt"]', { timeout: 10_000 });
    expect(await receipt.$eval('[data-testid="receipt-ack"]', (element) => element.textContent)).toBe(ack);
    expect(await receipt.$eval('[data-testid="receipt-patient"]', (element) => element.textContent)).toContain('85041213359');
    expect(Number(await receipt.$eval('[data-testid="barcode"]', (element) => element.getAttribute('data-modules')))).toBe((ack.length + 3) * 11 + 2);
    expect(await receipt.$eval('[data-testid="receipt-total"]', (element) => element.textContent)).toMatch(/30/);
    await receipt.close();
    // Opening the receipt's tab takes the focus, which closes a real toolbar popup on its own.
    if (!popup.isClosed()) await popup.close().catch(() => undefined);

    // The same consultation again: refused before anything is sent; still one attestation.
    const again = await openPopupFromEhr(session, page);
    await again.waitForSelector('[data-testid="send-attestation"]');
    await again.click('[data-testid="send-attestation"]');
    const refusal = await again.waitForSelector('[data-testid="attestation-confirm"] [data-error-code]', { timeout: 20_000 });
    expect(await refusal?.evaluate((element) => element.getAttribute('data-error-code'))).toBe('ALREADY_ATTESTED');
    expect(await attestationsAtSimulator()).toHaveLength(1);
    await again.close();
    await page.close();
  });

  it('sends nothing for a patient of a medical house: Send stops at the verdict, which says why', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/medispa/patients/p2`);
    const popup = await openPopupFromEhr(session, page);
    expect(await popup.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-reason'))).toBe('medicalHouse');
    const before = (await attestationsAtSimulator()).length;
    // Insurability is known: Send is disabled, the verdict line says why (issue 15; the insurer would refuse it, 169).
    await popup.waitForSelector('[data-testid="send-attestation"][disabled]');
    expect(await popup.$('[data-testid="attestation-result"]')).toBeNull();
    expect(await attestationsAtSimulator()).toHaveLength(before);
    await popup.close();
    await page.close();
  });

  it('TableMed in the hospital: a hospital without its service code is shown to fix (243) and cannot be sent until it is given', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/tablemed/consultation-3.html`);
    const popup = await openPopupFromEhr(session, page, 'table#pat');
    // Next to the field in the consultation read from the page…
    expect(await popup.$eval('[data-field="act.0.placeService"]', (element) => element.getAttribute('data-problem'))).toBe('missing');
    // …and above Send, in the clinician's words, with Send disabled.
    await popup.waitForSelector('[data-testid="check-problems"]');
    expect(await popup.$$eval('[data-testid="check-problems"] li', (items) => items.map((item) => [item.getAttribute('data-rule'), item.getAttribute('data-code'), item.getAttribute('data-path')]))).toEqual([
      ['hospitalServiceMissing', '243', 'acts.0.placeServiceCode'],
    ]);
    expect(await popup.$eval('[data-testid="check-problems"] li', (element) => element.textContent)).toMatch(/102034.*service code/);
    expect(await popup.$eval('[data-testid="send-attestation"]', (element) => (element as HTMLButtonElement).disabled)).toBe(true);

    // The service code given, but the place made a laboratory: shown next to the field it concerns.
    await correctField(popup, 'act.0.placeService', '210');
    await correctField(popup, 'act.0.placeType', 'laboratory');
    await popup.waitForSelector('[data-testid="check-problems"] li[data-rule="serviceCodeNotHospital"]');
    expect(await popup.$eval('[data-field="act.0.placeService"] ~ [data-check]', (element) => element.getAttribute('data-check'))).toBe('serviceCodeNotHospital');
    expect(await popup.$eval('[data-testid="send-attestation"]', (element) => (element as HTMLButtonElement).disabled)).toBe(true);

    // A hospital with its service code: checked again, nothing left, Send enabled.
    await correctField(popup, 'act.0.placeType', 'hospital');
    await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])');
    expect(await popup.$('[data-check]')).toBeNull();
    expect(await popup.$('[data-testid="check-problems"]')).toBeNull();
    await popup.close();
    await page.close();
  });

  it('TableMed: a JSIS patient is routed to JSIS and acknowledged, the number written into the page', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${ehr.origin}/tablemed/consultation-2.html`);
    const popup = await openPopupFromEhr(session, page, 'table#pat');
    expect(await popup.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-reason'))).toBe('jsis');
    const ack = await reviewAndSend(popup);
    expect(ack).toMatch(/^rcam-1-\d{6}-\d{7}-\d{2}$/);
    await page.waitForFunction((number) => document.querySelector<HTMLInputElement>('#attestnr')?.value === number, { timeout: 10_000 }, ack);
    await popup.close().catch(() => undefined);
    await page.close();
  });
});

/** The clinician's correction of a field of the consultation read from the page (an input or a list). */
async function reviewAndSend(popup: Page): Promise<string> {
  await popup.waitForSelector('[data-testid="send-attestation"]');
  await popup.click('[data-testid="send-attestation"]');
  const element = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
  return (await element?.evaluate((node) => node.textContent)) ?? '';
}

describe('a dentist, from the dental chart to the acknowledgement number', () => {
  let dentistState: string;
  let dentist: ExtensionBrowser;
  beforeAll(async () => {
    dentistState = provisionHostState({ pki, clinician: pki.clinicians.dentistRsa, simulatorUrl: simulator.url });
    dentist = await launchWithExtension({ installHost: true, stateDir: dentistState, extensionDir: bench.extensionDir });
    await contentScriptRegistered(dentist);
  }, 120_000);
  afterAll(async () => {
    await dentist.close();
    rmSync(dentistState, { recursive: true, force: true });
  });

  it('DentaChart: the teeth reach the confirm screen and the number comes back into the chart', async () => {
    const page = await dentist.browser.newPage();
    await page.goto(`${ehr.origin}/dentachart/patient-1.html`);
    await clickInPageButton(page);
    const popup = await waitForPopup(dentist);
    await consultProposedPatient(popup);
    await popup.waitForSelector('[data-testid="confirm-summary"]');
    expect(await popup.$eval('[data-testid="confirm-summary"]', (element) => element.textContent)).toMatch(/tooth 36/);
    await popup.click('[data-testid="send-attestation"]');
    const element = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
    const ack = (await element?.evaluate((node) => node.textContent)) ?? '';
    expect(ack).toMatch(ACK_FORM);
    await page.waitForFunction((number) => document.querySelector<HTMLInputElement>('#receipt-number')?.value === number, { timeout: 10_000 }, ack);
    await popup.close().catch(() => undefined);
    await page.close();
  });
});
