import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import { clickInPageButton, consultProposedPatient, contentScriptRegistered, isPopupTarget, startFlowBench, waitForPopup, type FlowBench } from '../support/content-e2e.js';

/**
 * Finding 5: a page could make the popup consult insurability for an SSIN of its choosing with one
 * real click on an in-page button it had made invisible (the popup consulted as it opened). Here a
 * demo EHR page turns hostile: it hides our button and lays a harmless-looking decoy under it, and a
 * person really clicks the decoy (puppeteer's mouse, a trusted click). The popup opens, but MyCareNet
 * hears nothing (the simulator counts MemberData requests) until the popup's own button is clicked.
 */

let bench: FlowBench;
beforeAll(async () => {
  bench = await startFlowBench({ clinician: (pki: TestPki) => pki.clinicians.doctorRsa });
}, 120_000);
afterAll(async () => {
  await bench.close();
});

const memberDataRequests = () => bench.simulator.requestCounts().memberdata;

/** The page's own script: our button made invisible, and a decoy drawn over it that lets clicks through to it. */
async function hideButtonUnderDecoy(page: Page): Promise<void> {
  await page.waitForSelector('eattest-companion-button', { visible: true, timeout: 20_000 });
  await page.evaluate(() => {
    const ours = document.querySelector('eattest-companion-button');
    if (!(ours instanceof HTMLElement)) throw new Error('no in-page button');
    const style = document.createElement('style');
    // The page cannot reach into the closed shadow root, but it can style the element that hosts it.
    style.textContent = 'eattest-companion-button { opacity: 0 !important; }';
    document.head.append(style);
    const box = ours.getBoundingClientRect();
    const decoy = document.createElement('div');
    decoy.id = 'decoy';
    decoy.textContent = 'Close this message';
    Object.assign(decoy.style, { position: 'fixed', left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px`, zIndex: '1000', background: '#eee', pointerEvents: 'none' });
    document.body.append(decoy);
  });
}

describe('a hostile EHR page and a forged click on the in-page button (Chromium, real host, simulator)', () => {
  it('opens the popup, which shows the patient it read and asks MyCareNet nothing until its own button is clicked', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p1`);
    await page.waitForSelector('.act[data-code]', { timeout: 20_000 });
    await hideButtonUnderDecoy(page);
    const before = memberDataRequests();

    // A person clicks the decoy: the trusted click goes through it to our invisible button.
    expect(await page.evaluate(() => {
      const decoy = document.getElementById('decoy')?.getBoundingClientRect();
      return decoy === undefined ? null : document.elementFromPoint(decoy.x + decoy.width / 2, decoy.y + decoy.height / 2)?.localName;
    })).toBe('eattest-companion-button');
    await clickInPageButton(page);
    const popup = await waitForPopup(bench.session);
    const proposed = await popup.waitForSelector('[data-testid="proposed-patient"][data-cache-checked="true"]', { timeout: 20_000 });
    expect(await proposed?.evaluate((element) => element.getAttribute('data-ssin'))).toBe('85041213359');
    expect(await popup.$eval('[data-testid="confirm-patient"]', (element) => element.textContent)).toBe('LAMBERT, Julie');
    expect(await popup.$eval('[data-testid="confirm-birth-date"]', (element) => element.textContent)).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(await popup.$('[data-testid="insurability-card"]')).toBeNull();
    // The host is up (the popup asked its status) and the popup has done all it does on opening.
    await popup.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
    expect(memberDataRequests()).toBe(before);

    // The clinician's click in the popup, browser UI the page cannot draw over, consults once.
    await consultProposedPatient(popup);
    expect(memberDataRequests()).toBe(before + 1);
    await popup.close();

    // Opened again by the page for the same patient: this contact's answer, asked nowhere.
    await clickInPageButton(page);
    const again = await waitForPopup(bench.session);
    await again.waitForSelector('[data-testid="insurability-card"][data-from-cache="true"]', { timeout: 20_000 });
    expect(memberDataRequests()).toBe(before + 1);
    await again.close();
    await page.close();
  });

  it('still consults as the popup opens when the clinician opened it from the toolbar', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p2`);
    await page.waitForSelector('.act[data-code]', { timeout: 20_000 });
    await page.waitForSelector('eattest-companion-button', { visible: true, timeout: 20_000 });
    await page.bringToFront();
    const before = memberDataRequests();
    // What the toolbar button does: the browser opens the action's popup, no in-page click involved.
    const worker = await contentScriptRegistered(bench.session);
    const popupTarget = bench.session.browser.waitForTarget(isPopupTarget, { timeout: 10_000 });
    await worker.evaluate(() => chrome.action.openPopup());
    const popup = await (await popupTarget).asPage();
    await popup.waitForSelector('[data-testid="insurability-card"]', { timeout: 20_000 });
    expect(await popup.$('[data-testid="proposed-patient"]')).toBeNull();
    expect(memberDataRequests()).toBe(before + 1);
    await popup.close();
    await page.close();
  });
});
