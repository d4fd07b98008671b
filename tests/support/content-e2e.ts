import { TargetType, type Page, type Target, type WebWorker } from 'puppeteer-core';
import { rmSync } from 'node:fs';
import { startEhrServer, type EhrServer } from '../../demo/ehr-server.js';
import { ensureTestPki, type ClinicianMaterial, type GuardPostMaterial, type TestPki } from '../../simulator/pki/test-pki.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/src/server.js';
import { extensionId, launchWithExtension, type ExtensionBrowser } from './chromium.js';
import { extensionWithGrantedOrigins } from './granted-extension.js';
import { provisionHostState } from './provisioning.js';

/** The content-script bench: the demo EHR server, and Chromium with the extension granted on the loopback. */
export interface ContentBench {
  ehr: EhrServer;
  session: ExtensionBrowser;
  worker: WebWorker;
  close(): Promise<void>;
}

export const POPUP_URL_PREFIX = `chrome-extension://${extensionId}/src/popup/index.html`;
const BUTTON = 'eattest-companion-button';

export async function startContentBench(): Promise<ContentBench> {
  const ehr = await startEhrServer();
  const granted = extensionWithGrantedOrigins(['http://127.0.0.1/*']);
  const session = await launchWithExtension({ installHost: false, extensionDir: granted.dir });
  const worker = await contentScriptRegistered(session);
  return {
    ehr,
    session,
    worker,
    async close() {
      await session.close();
      granted.remove();
      await ehr.close();
    },
  };
}

/** The whole product: the simulator, a host state for a clinician, the demo EHRs and Chromium with the extension and its host. */
export interface FlowBench {
  pki: TestPki;
  simulator: Simulator;
  ehr: EhrServer;
  stateDir: string;
  session: ExtensionBrowser;
  /** The built extension with the loopback granted, for a second browser. */
  extensionDir: string;
  close(): Promise<void>;
}

export async function startFlowBench(options: {
  clinician: (pki: TestPki) => ClinicianMaterial | GuardPostMaterial;
  simulator?: Omit<SimulatorOptions, 'pki'>;
  /** A packaged host (e.g. the one a .deb installed) that imports the certificate and installs itself, instead of the built one. */
  hostExecutable?: string | undefined;
}): Promise<FlowBench> {
  const pki = await ensureTestPki();
  const simulator = await startSimulator({ pki, ...options.simulator });
  const ehr = await startEhrServer();
  const stateDir = provisionHostState({ pki, clinician: options.clinician(pki), simulatorUrl: simulator.url, executable: options.hostExecutable });
  const granted = extensionWithGrantedOrigins(['http://127.0.0.1/*']);
  const session = await launchWithExtension({ installHost: true, stateDir, extensionDir: granted.dir, hostExecutable: options.hostExecutable });
  await contentScriptRegistered(session);
  return {
    pki,
    simulator,
    ehr,
    stateDir,
    session,
    extensionDir: granted.dir,
    async close() {
      await session.close();
      granted.remove();
      await ehr.close();
      await simulator.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The extension's service worker, once the content script is registered for the granted origins. */
export async function contentScriptRegistered(session: ExtensionBrowser): Promise<WebWorker> {
  const target = await session.browser.waitForTarget((candidate) => candidate.type() === TargetType.SERVICE_WORKER && candidate.url().startsWith(`chrome-extension://${extensionId}/`));
  const worker = await target.worker();
  if (worker === null) throw new Error('no service worker');
  // The extension APIs appear once the worker has started, and the content script once it is registered.
  for (let attempt = 0; attempt < 100 && !(await worker.evaluate(() => typeof chrome !== 'undefined')); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await worker.evaluate(async () => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await chrome.scripting.getRegisteredContentScripts()).length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the content script was never registered');
  });
  return worker;
}

/** Waits for the in-page button and clicks it like a person: a trusted click at its place on screen. */
export async function clickInPageButton(page: Page): Promise<void> {
  const host = await page.waitForSelector(BUTTON, { visible: true, timeout: 10_000 });
  if (host === null) throw new Error('no in-page button');
  const box = await host.boundingBox();
  if (box === null) throw new Error('the in-page button is not visible');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

export function isPopupTarget(target: Target): boolean {
  return target.url().startsWith(POPUP_URL_PREFIX);
}

/** The popup the button opened (the toolbar popup, or the extension window on popup.html?tab=). */
export async function waitForPopup(session: ExtensionBrowser, timeout = 10_000): Promise<Page> {
  const target = await session.browser.waitForTarget(isPopupTarget, { timeout });
  const page = await target.asPage();
  await page.waitForSelector('[data-testid="proposal"], [data-testid="proposal-none"]', { timeout });
  return page;
}

/** Whether a popup opens within the time given (for the cases where none must). */
export async function popupOpensWithin(session: ExtensionBrowser, ms: number): Promise<boolean> {
  try {
    await session.browser.waitForTarget(isPopupTarget, { timeout: ms });
    return true;
  } catch {
    return false;
  }
}

export interface SeenProposal {
  id: string;
  ssin: string | null;
  codes: (string | null)[];
  amounts: (number | null)[];
}

/** Starts recording, in the service worker, every proposal stored for any tab (session storage changes). */
export async function recordProposals(worker: WebWorker): Promise<void> {
  await worker.evaluate(() => {
    const seen: unknown[] = [];
    (globalThis as Record<string, unknown>)['__seenProposals'] = seen;
    chrome.storage.session.onChanged.addListener((changes) => {
      for (const [key, change] of Object.entries(changes)) {
        if (key.startsWith('proposal:') && change.newValue !== undefined) seen.push((change.newValue as { proposal: unknown }).proposal);
      }
    });
  });
}

export async function seenProposals(worker: WebWorker): Promise<SeenProposal[]> {
  return worker.evaluate(() => {
    type Stored = { id: string; patient: { ssin: { value: string | null } }; acts: { code: { value: string | null }; amountPaid: { value: number | null } }[] };
    const seen = ((globalThis as Record<string, unknown>)['__seenProposals'] ?? []) as Stored[];
    return seen.map((proposal) => ({
      id: proposal.id,
      ssin: proposal.patient.ssin.value,
      codes: proposal.acts.map((act) => act.code.value),
      amounts: proposal.acts.map((act) => act.amountPaid.value),
    }));
  });
}

/** The SSIN of every tab's stored proposal, straight from session storage. */
export async function storedProposalSsins(worker: WebWorker): Promise<(string | null)[]> {
  return worker.evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    return Object.entries(all)
      .filter(([key]) => key.startsWith('proposal:'))
      .map(([, value]) => (value as { proposal: { patient: { ssin: { value: string | null } } } }).proposal.patient.ssin.value);
  });
}

/**
 * In a popup the in-page button opened: the clinician confirms the patient the page proposed with
 * the popup's "Consult insurability" (unless this contact's answer is already shown), and the
 * patient's insurability is then on screen.
 */
export async function consultProposedPatient(popup: Page): Promise<void> {
  const shown = await popup.waitForSelector('[data-testid="proposed-patient"][data-cache-checked="true"], [data-testid="insurability-card"]', { timeout: 20_000 });
  if ((await shown?.evaluate((element) => element.getAttribute('data-testid'))) === 'proposed-patient') await popup.click('[data-testid="consult-insurability"]');
  await popup.waitForSelector('[data-testid="insurability-card"]', { timeout: 20_000 });
}

/**
 * Opens the popup from an EHR page's in-page button, once the page shows `ready` (MediSPA loads its
 * acts late), confirms the patient there and waits for the patient's insurability.
 */
export async function openPopupFromEhr(session: ExtensionBrowser, page: Page, ready = '.act[data-code]'): Promise<Page> {
  const popup = await popupOpenedByButton(session, page, ready);
  await consultProposedPatient(popup);
  return popup;
}

/** The popup the EHR page's in-page button opens, once the page shows `ready`: as it opens, nothing confirmed. */
export async function popupOpenedByButton(session: ExtensionBrowser, page: Page, ready = '.act[data-code]'): Promise<Page> {
  await page.waitForSelector(ready, { timeout: 20_000 });
  await clickInPageButton(page);
  return waitForPopup(session);
}

/** Corrects a field of the consultation read from the page, as the clinician types it. */
export async function correctField(popup: Page, name: string, value: string): Promise<void> {
  await popup.waitForSelector(`[data-field="${name}"]`);
  await popup.$eval(
    `[data-field="${name}"]`,
    (element, text) => {
      (element as HTMLInputElement | HTMLSelectElement).value = text;
      element.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

/** Opens one of the popup's disclosures ("today", "more-details", "fields-as-read") as the clinician does, by its summary. */
export async function openDisclosure(popup: Page, name: 'today' | 'more-details' | 'fields-as-read'): Promise<void> {
  const selector = `details[data-testid="${name}"]`;
  await popup.waitForSelector(selector);
  if (!(await popup.$eval(selector, (element) => (element as HTMLDetailsElement).open))) await popup.click(`${selector} > summary`);
}

/** The clinician's one Send, once it may be clicked: the acknowledgement number the popup then shows. */
export async function sendAndAwaitAcknowledgement(popup: Page): Promise<string> {
  const send = await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 20_000 });
  await send?.click();
  const element = await popup.waitForSelector('[data-testid="ack-number"]', { timeout: 30_000 });
  return (await element?.evaluate((node) => node.textContent)) ?? '';
}
