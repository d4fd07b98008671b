import type { Page } from 'puppeteer-core';
import { clickInPageButton, consultProposedPatient } from './content-e2e.js';
import type { FirefoxSession } from './firefox.js';

/**
 * The clinician's steps in the Firefox popup, through data-testids only (the popup's layout may
 * change; these are the places to adapt).
 */

const IN_PAGE_BUTTON = 'eattest-companion-button';

/**
 * Opens an EHR page once the extension's content script runs on it. The background registers the
 * content script when the add-on is installed, and a page loaded before that has no button: it is
 * loaded again (a few times at most), as a clinician would reload it.
 */
export async function openEhrPage(session: FirefoxSession, url: string): Promise<Page> {
  const page = await session.browser.newPage();
  for (let attempt = 1; ; attempt += 1) {
    await page.goto(url);
    const button = await page.waitForSelector(IN_PAGE_BUTTON, { timeout: 3_000 }).catch(() => null);
    if (button !== null) return page;
    if (attempt === 5) throw new Error(`the in-page button never appeared on ${url}`);
  }
}

/** The popup the in-page button opens, once the page shows `ready`, with the page's proposal read. */
export async function clickFirefoxInPageButton(session: FirefoxSession, page: Page, ready = '.act[data-code]'): Promise<Page> {
  await page.waitForSelector(ready, { timeout: 20_000 });
  const popup = await session.waitForExtensionPage(() => clickInPageButton(page), 'src/popup/index.html');
  await popup.waitForSelector('[data-testid="proposal"], [data-testid="proposal-none"]', { timeout: 10_000 });
  return popup;
}

/** The same, with the proposed patient confirmed and their insurability consulted. */
export async function openPopupFromFirefoxEhr(session: FirefoxSession, page: Page, ready?: string): Promise<Page> {
  const popup = await clickFirefoxInPageButton(session, page, ready);
  await consultProposedPatient(popup);
  return popup;
}

/** The error code of the host problem the popup reports, with its text (what the clinician reads). */
export async function hostProblem(popup: Page): Promise<{ code: string | null; text: string }> {
  const status = await popup.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
  if (status === null) throw new Error('no host status');
  return status.evaluate((element) => ({ code: element.getAttribute('data-error-code'), text: element.textContent }));
}

/** The insurer's verdict the popup shows for the patient: the route (eattest, efact, paper). */
export function insurabilityRoute(popup: Page): Promise<string | null> {
  return popup.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-route'));
}

/** The supporting document, opened from the popup after the acknowledgement. */
export async function openReceiptFromPopup(session: FirefoxSession, popup: Page): Promise<Page> {
  const receipt = await session.waitForExtensionPage(() => popup.click('[data-testid="print-receipt"]'), 'src/receipt/index.html');
  await receipt.waitForSelector('[data-testid="receipt"]', { timeout: 10_000 });
  return receipt;
}
