import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dentachartAdapter } from '../../src/content/adapters/dentachart.js';
import type { Page } from 'puppeteer-core';
import {
  clickInPageButton,
  recordProposals,
  seenProposals,
  startContentBench,
  storedProposalSsins,
  waitForPopup,
  type ContentBench,
} from '../support/content-e2e.js';

/**
 * The content script in Chromium on the demo EHRs: the granted loopback origin gets the in-page
 * button, a trusted click opens the popup with what the page shows, and the single-page EHR's
 * patient switches never carry one patient's data into another's proposal.
 */

let bench: ContentBench;
beforeAll(async () => {
  bench = await startContentBench();
});
afterAll(async () => {
  await bench.close();
});

async function fieldValue(popup: Page, name: string): Promise<string> {
  return popup.$eval(`[data-field="${name}"]`, (element) => (element as HTMLInputElement).value);
}

describe('in-page button and proposal (Chromium, demo EHRs)', () => {
  it('TableMed: the button appears and a trusted click opens the popup on the proposal', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/tablemed/consultation-1.html`);
    await clickInPageButton(page);
    const popup = await waitForPopup(bench.session);
    await popup.waitForSelector('[data-testid="proposal"]');
    expect(await fieldValue(popup, 'patient.ssin')).toBe('72093004845');
    expect(await fieldValue(popup, 'patient.familyName')).toBe('WOUTERS');
    expect(await fieldValue(popup, 'act.0.code')).toBe('102771');
    expect(await fieldValue(popup, 'act.1.prescriber')).toBe('1-12345-67-004');
    // Today's page, valid SSIN and codes: nothing to check.
    expect(await popup.$eval('[data-testid="proposal-summary"]', (element) => element.getAttribute('data-problems'))).toBe('0');
    // The prescriber came with its prescription date; the eID reading is offered, its media chosen from a list.
    expect(await fieldValue(popup, 'act.1.prescriptionDate')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await popup.$eval('[data-field="consultation.eidMediaType"]', (element) => element.tagName)).toBe('SELECT');
    await popup.select('[data-field="consultation.eidMediaType"]', '1');
    await popup.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-field="consultation.eidMediaType"]')?.value === '1');
    expect(await popup.$eval('[data-field="consultation.eidMediaType"]', (element) => element.getAttribute('aria-invalid'))).toBe('false');
    await popup.close();
    await page.close();
  });

  it('DentaChart: tooth numbers and sides reach the popup', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/dentachart/patient-1.html`);
    await clickInPageButton(page);
    const popup = await waitForPopup(bench.session);
    await popup.waitForSelector('[data-testid="proposal"]');
    expect(await fieldValue(popup, 'patient.ssin')).toBe('03050908860');
    expect(await fieldValue(popup, 'act.1.tooth')).toBe('36');
    expect(await fieldValue(popup, 'act.1.side')).toBe('left');
    await popup.close();
    await page.close();
  });

  it('MediSPA: switching patients replaces the proposal whole, never mixing two patients', async () => {
    const page = await bench.session.browser.newPage();
    await recordProposals(bench.worker);
    await page.goto(`${bench.ehr.origin}/medispa/`);
    await page.waitForSelector('nav.patients');
    const patients = [
      { button: 'p1', ssin: '85041213359', codes: ['101076'] },
      { button: 'p2', ssin: '90011720617', codes: ['101032', '475075'] },
      { button: 'p3', ssin: '48060306126', codes: ['101010'] },
    ];
    for (const patient of [...patients, patients[0], patients[2], patients[1]]) {
      if (patient === undefined) continue;
      await page.click(`nav.patients button[data-patient="${patient.button}"]`);
      // Acts arrive 400 ms after the banner; wait for the proposal that has them.
      await expect.poll(async () => (await seenProposals(bench.worker)).at(-1), { timeout: 10_000 }).toMatchObject({ ssin: patient.ssin, codes: patient.codes });
    }
    await page.click('nav.patients button[data-nav="agenda"]');
    const seen = await seenProposals(bench.worker);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    for (const proposal of seen) {
      const owner = patients.find((patient) => patient.ssin === proposal.ssin);
      expect(owner, `proposal for ${String(proposal.ssin)}`).toBeDefined();
      // Every act in a proposal belongs to the proposal's own patient (or the acts had not arrived yet).
      for (const code of proposal.codes) expect(owner?.codes).toContain(code);
    }
    // Leaving the consultation clears the tab's proposal (and the button goes away).
    await expect.poll(() => storedProposalSsins(bench.worker), { timeout: 10_000 }).toEqual([]);
    expect(await page.$('eattest-companion-button')).toBeNull();
    await page.close();
  });

  it('MediSPA: the popup opened from the button shows the patient on screen now', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p2`);
    await page.waitForSelector('.act[data-code]');
    await clickInPageButton(page);
    const popup = await waitForPopup(bench.session);
    await popup.waitForSelector('[data-testid="proposal"]');
    expect(await fieldValue(popup, 'patient.ssin')).toBe('90011720617');
    expect(await fieldValue(popup, 'act.1.supplement')).toBe('2.50');
    await popup.close();
    await page.close();
  });

  it('writes the acknowledgement number back into the EHR field, only while the page shows that patient', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p1`);
    await page.waitForSelector('.act[data-code]');
    await page.waitForSelector('eattest-companion-button');
    const send = (ssin: string) =>
      bench.worker.evaluate(
        async (origin, ssinToWrite) => {
          const [tab] = await chrome.tabs.query({ url: `${origin}/medispa/*` });
          if (tab?.id === undefined) throw new Error('no MediSPA tab');
          const command = { type: 'content.writeBack', proposalId: crypto.randomUUID(), ssin: ssinToWrite, acknowledgement: '500-1-260212-5960827-60' };
          return (await chrome.tabs.sendMessage(tab.id, command, { frameId: 0 })) as unknown;
        },
        bench.ehr.origin,
        ssin,
      );
    // Another patient's number is refused: the page shows Peeters.
    expect(await send('90011720617')).toEqual({ written: false, reason: 'patientChanged' });
    expect(await page.$eval('#eattest-ack', (element) => (element as HTMLInputElement).value)).toBe('');
    expect(await send('85041213359')).toEqual({ written: true });
    expect(await page.$eval('#eattest-ack', (element) => (element as HTMLInputElement).value)).toBe('500-1-260212-5960827-60');
    // The EHR's own change handler ran, as if the clinician had typed it.
    expect(await page.$eval('.save-status', (element) => element.textContent)).toBe('Enregistré');
    await page.close();
  });

  it('imports a custom adapter in the options page (schema-checked), which then takes precedence on its EHR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eattest-adapter-'));
    const custom = { ...dentachartAdapter, id: 'custom-dentachart-test', name: 'DentaChart (mine)', consultation: { ...dentachartAdapter.consultation, providerHint: { selector: '.visit' } } };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...custom, match: { urls: ['http://ehr.example.be/*'] } }));
    writeFileSync(join(dir, 'good.json'), JSON.stringify([custom]));
    const options = await bench.session.openExtensionPage('src/options/index.html');
    const input = await options.waitForSelector('input[type="file"][data-testid="adapters-import"]');
    await input?.uploadFile(join(dir, 'bad.json'));
    await options.waitForSelector('[data-testid="adapters"] .error');
    expect(await options.$('[data-testid="adapters-list"]')).toBeNull();
    await input?.uploadFile(join(dir, 'good.json'));
    await options.waitForSelector('[data-testid="adapters-list"]');
    expect(await options.$eval('[data-testid="adapters-list"]', (element) => element.textContent)).toContain('DentaChart (mine)');
    rmSync(dir, { recursive: true, force: true });

    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/dentachart/patient-2.html`);
    const adapterOf = () =>
      bench.worker.evaluate(async () => {
        const all = await chrome.storage.session.get(null);
        return Object.values(all).map((value) => (value as { proposal: { adapterId: string; consultation: { providerHint: { raw: string | null } } } }).proposal);
      });
    await expect.poll(async () => (await adapterOf()).map((proposal) => proposal.adapterId), { timeout: 10_000 }).toContain('custom-dentachart-test');
    expect((await adapterOf())[0]?.consultation.providerHint.raw).toContain('Dr L. Fontaine');
    await page.close();
    await options.close();
  });
});
