import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionId } from '../support/chromium.js';
import { clickInPageButton, popupOpensWithin, startContentBench, storedProposalSsins, waitForPopup, type ContentBench } from '../support/content-e2e.js';

/**
 * The EHR page is hostile. Its scripts (run here with page.evaluate, in the page's own world) try
 * to press the in-page button themselves, to offer a look-alike button, and to change the fields
 * after the proposal was read. None of it may open the popup or change what the clinician is shown.
 */

let bench: ContentBench;
beforeAll(async () => {
  bench = await startContentBench();
});
afterAll(async () => {
  await bench.close();
});

describe('a hostile EHR page (Chromium)', () => {
  it('cannot press the in-page button with synthetic events, nor reach inside it', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/tablemed/consultation-1.html`);
    await page.waitForSelector('eattest-companion-button');
    await expect.poll(() => storedProposalSsins(bench.worker)).toContain('72093004845');
    const attempts = await page.evaluate(() => {
      const host = document.querySelector('eattest-companion-button');
      if (!(host instanceof HTMLElement)) return { found: false, shadowVisible: true };
      host.click();
      host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
      host.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, composed: true }));
      host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      const rect = host.getBoundingClientRect();
      const atPoint = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
      if (atPoint instanceof HTMLElement) atPoint.click();
      return { found: true, shadowVisible: host.shadowRoot !== null };
    });
    expect(attempts).toEqual({ found: true, shadowVisible: false });
    expect(await popupOpensWithin(bench.session, 1500)).toBe(false);
    await page.close();
  });

  it('cannot open the popup with a look-alike button or by messaging the extension', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/dentachart/patient-1.html`);
    await page.waitForSelector('eattest-companion-button');
    const messaging = await page.evaluate((id) => {
      const fake = document.createElement('button');
      fake.id = 'fake-eattest';
      fake.textContent = 'eAttest';
      document.body.prepend(fake);
      const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: (id: string, message: unknown) => unknown } } }).chrome?.runtime;
      try {
        runtime?.sendMessage?.(id, { type: 'popup.open' });
        return runtime?.sendMessage === undefined ? 'no channel' : 'sent';
      } catch {
        return 'refused';
      }
    }, extensionId);
    expect(messaging).not.toBe('sent');
    // A person really clicks the look-alike: it is the page's button, not ours.
    await page.click('#fake-eattest');
    expect(await popupOpensWithin(bench.session, 1500)).toBe(false);
    await page.close();
  });

  it('puts the button back when the page removes it', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/dentachart/patient-2.html`);
    await page.waitForSelector('eattest-companion-button');
    await page.evaluate(() => document.querySelector('eattest-companion-button')?.remove());
    await page.waitForSelector('eattest-companion-button', { timeout: 5000 });
    await page.close();
  });

  it('cannot change the proposal the clinician is looking at by changing the fields afterwards', async () => {
    const page = await bench.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}/medispa/patients/p1`);
    await page.waitForSelector('.act[data-code]');
    await clickInPageButton(page);
    const popup = await waitForPopup(bench.session);
    // The popup may open before the page's reading arrives; it shows the reading as soon as it does.
    await popup.waitForSelector('[data-testid="proposal"]', { timeout: 10_000 });
    const shown = await popup.$eval('[data-testid="proposal"]', (element) => element.getAttribute('data-proposal-id'));
    expect(await popup.$eval('[data-field="act.0.amountPaid"]', (element) => (element as HTMLInputElement).value)).toBe('30.00');

    // The page rewrites the amount and the patient's SSIN behind the clinician's back.
    await page.evaluate(() => {
      const paid = document.querySelector<HTMLInputElement>('input.paid');
      if (paid !== null) {
        paid.value = '999,00';
        paid.dispatchEvent(new Event('input', { bubbles: true }));
      }
      const niss = document.querySelector('[data-field="niss"]');
      if (niss !== null) niss.textContent = '90.01.17-206.17';
    });
    // The background records the page's new state as a new proposal…
    await expect.poll(() => storedProposalSsins(bench.worker), { timeout: 10_000 }).toContain('90011720617');
    // …but the popup keeps showing what it showed, and says the page changed.
    await popup.waitForSelector('[data-testid="proposal-newer"]', { timeout: 10_000 });
    expect(await popup.$eval('[data-testid="proposal"]', (element) => element.getAttribute('data-proposal-id'))).toBe(shown);
    expect(await popup.$eval('[data-field="act.0.amountPaid"]', (element) => (element as HTMLInputElement).value)).toBe('30.00');
    expect(await popup.$eval('[data-field="patient.ssin"]', (element) => (element as HTMLInputElement).value)).toBe('85041213359');

    // Only the clinician's explicit choice shows the new reading, under a new id.
    await popup.click('[data-testid="proposal-newer"] button');
    await popup.waitForFunction((old) => document.querySelector('[data-testid="proposal"]')?.getAttribute('data-proposal-id') !== old, {}, shown);
    expect(await popup.$eval('[data-field="act.0.amountPaid"]', (element) => (element as HTMLInputElement).value)).toBe('999.00');
    await popup.close();
    await page.close();
  });
});
