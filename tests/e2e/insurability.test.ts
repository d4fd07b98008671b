import { rmSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.js';
import { openDisclosure } from '../support/content-e2e.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * Insurability and tariffs in the popup, in Chromium with the real host against the simulator:
 * insurability is asked once per contact (reopening the popup reuses it), and tariffs and the DMG
 * holder are asked only when the clinician clicks, which the simulator's request counts prove.
 */

const POPUP = 'src/popup/index.html';
let pki: TestPki;
let simulator: Simulator;
let stateDir: string;
let session: ExtensionBrowser;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  session = await launchWithExtension({ installHost: true, stateDir });
}, 120_000);
afterAll(async () => {
  await session.close();
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function openPatient(ssin: string): Promise<Page> {
  const page = await session.openExtensionPage(POPUP);
  await page.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
  await page.type('[data-testid="patient-ssin"]', ssin);
  await page.click('[data-testid="check-insurability"]');
  await page.waitForSelector('[data-testid="insurability-card"], [data-testid="insurability-error"]', { timeout: 20_000 });
  return page;
}

const text = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent);

describe('insurability and tariffs in the popup', () => {
  it('shows a demo patient in order, asks once per contact, and asks tariffs and the DMG holder only on click', async () => {
    const patient = scenarioByKey('inOrder');
    const page = await openPatient(patient.ssin);
    expect(await text(page, '[data-testid="patient-name"]')).toContain(patient.familyName);
    expect(await page.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-route'))).toBe('eattest');
    expect(await page.$eval('[data-testid="insurability-card"]', (element) => element.getAttribute('data-from-cache'))).toBe('false');
    expect(simulator.requestCounts().memberdata).toBe(1);
    expect(simulator.requestCounts().tarification).toBe(0);
    expect(await page.$('[data-testid="tariff-table"]')).toBeNull();

    // Tariffs and the DMG holder are one click away, in the popup's "More".
    await openDisclosure(page, 'more-details');
    await page.waitForSelector('[data-testid="tariff-codes"]');
    await page.type('[data-testid="tariff-codes"]', '101010');
    await page.click('[data-testid="check-tariffs"]');
    await page.waitForSelector('[data-testid="tariff-table"] tr[data-code="101010"]', { timeout: 20_000 });
    expect(await text(page, '[data-testid="tariff-table"] tr[data-code="101010"] [data-testid="patient-share"]')).toMatch(/\d/);
    expect(simulator.requestCounts().tarification).toBe(1);

    expect(simulator.requestCounts().memberdata).toBe(1);
    await page.click('[data-testid="check-dmg"]');
    await page.waitForSelector('[data-testid="dmg-holder"]', { timeout: 20_000 });
    expect(await text(page, '[data-testid="dmg-holder"]')).toContain(patient.dmgHolder?.familyName ?? 'missing');
    expect(simulator.requestCounts().memberdata).toBe(2);
    await page.close();

    // The popup reopened for the same patient: the same contact, answered from the cache.
    const again = await openPatient(patient.ssin);
    expect(await again.$eval('[data-testid="insurability-card"]', (element) => element.getAttribute('data-from-cache'))).toBe('true');
    expect(simulator.requestCounts().memberdata).toBe(2);
    // An explicit refresh asks again.
    await openDisclosure(again, 'more-details');
    await again.click('[data-testid="refresh-insurability"]');
    await again.waitForSelector('[data-testid="insurability-card"][data-from-cache="false"]', { timeout: 20_000 });
    expect(simulator.requestCounts().memberdata).toBe(3);
    expect(simulator.requestCounts().tarification).toBe(1);
    await again.close();
  });

  it('shows why eAttest is not the route for a patient of a medical house, and a clear error for an unknown patient', async () => {
    const page = await openPatient(scenarioByKey('medicalHouse').ssin);
    const banner = await page.$eval('[data-testid="route-banner"]', (element) => [element.getAttribute('data-route'), element.getAttribute('data-reason'), element.textContent]);
    expect(banner[0]).toBe('paper');
    expect(banner[1]).toBe('medicalHouse');
    expect(banner[2]).toContain('medical house');
    await page.close();

    const unknown = await openPatient(scenarioByKey('unknown').ssin);
    expect(await unknown.$eval('[data-testid="insurability-error"] [data-error-code]', (element) => element.getAttribute('data-error-code'))).toBe('PATIENT_UNKNOWN');
    await unknown.close();
  });
});
