import type { Page } from 'puppeteer-core';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { AttestationRecord } from '../../src/shared/domain/receipt.js';
import { extensionId, launchWithExtension, type ExtensionBrowser } from './chromium.js';
import { contentScriptRegistered, correctField, openPopupFromEhr, type FlowBench } from './content-e2e.js';
import type { BrowserCellResult } from './fault-matrix.js';
import { simulatorControl, simulatorControlReset, simulatorQuiet } from './simulator-control.js';

/**
 * The fault matrix's browser side: a send from the popup of Chromium with the real host, struck
 * while the request waits at the insurer (the simulator's latency fault), then the clinician opens
 * the popup again and sends again until the extension's ledger says the consultation is settled.
 */

export type BrowserFault = 'service worker killed' | 'popup closed' | 'browser closed';

/** Long enough to strike while the request waits at the insurer, short enough for the matrix. */
const MID_SEND_LATENCY_MS = 3_000;
/** Popup openings before the clinician gives up; an unsettled cell fails. */
const MAX_OPENINGS = 4;
/** MediSPA's patient in order (85041213359): its act, or the code the clinician corrects it to. */
const EHR_PATIENT_PAGE = '/medispa/patients/p1';
const PATIENT = '85041213359';

/** The browser the cells drive; `browser closed` replaces it with one started again on the same profile. */
export interface BrowserMatrixBench {
  bench: FlowBench;
  session: ExtensionBrowser;
}

/** The extension's ledger (IndexedDB `attestations`), read in one of its pages (the popup). */
async function ledger(extensionPage: Page): Promise<AttestationRecord[]> {
  return extensionPage.evaluate(
    () =>
      new Promise<AttestationRecord[]>((resolve, reject) => {
        const opening = indexedDB.open('eattest-companion');
        opening.onerror = () => reject(new Error('the ledger cannot be opened'));
        opening.onsuccess = () => {
          const db = opening.result;
          const reading = db.transaction('attestations').objectStore('attestations').getAll();
          reading.onerror = () => reject(new Error('the ledger cannot be read'));
          reading.onsuccess = () => {
            resolve(reading.result as AttestationRecord[]);
            db.close();
          };
        };
      }),
  );
}

function recordOf(records: readonly AttestationRecord[], code: string): AttestationRecord | undefined {
  return records.find((record) => record.attestation.patient.ssin === PATIENT && record.attestation.acts.some((act) => act.code === code));
}

/** From the confirm screen to Send, the act code corrected when the cell uses another consultation than the page's. */
async function sendFromPopup(popup: Page, code: string): Promise<void> {
  const pageCode = await popup.$eval('[data-field="act.0.code"]', (element) => (element as HTMLInputElement).value);
  if (pageCode !== code) await correctField(popup, 'act.0.code', code);
  await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])');
  await popup.click('[data-testid="send-attestation"]');
}

/** Until the insurer has received the eAttest request (it then waits MID_SEND_LATENCY_MS before answering). */
async function requestAtInsurer(bench: FlowBench): Promise<void> {
  for (let probe = 0; probe < 400; probe += 1) {
    const stats = (await simulatorControl(bench.simulator.url, bench.pki.caCert, 'stats')) as { requests: { eattest: number } };
    if (stats.requests.eattest > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the eAttest request never reached the insurer');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops the extension's service worker as Chrome does when it ends one (CDP closes its target).
 * Chrome starts it again under the same target id when the clinician next uses the extension;
 * Puppeteer, which knows that id already, would leave it paused for a debugger: the promise
 * returned resumes it once it is back (the test harness's business, not the product's).
 */
async function killServiceWorker(session: ExtensionBrowser): Promise<{ resumed: Promise<void> }> {
  const client = await session.browser.target().createCDPSession();
  const workerTargets = async () => (await client.send('Target.getTargets')).targetInfos.filter((info) => info.type === 'service_worker' && info.url.startsWith(`chrome-extension://${extensionId}/`));
  const worker = (await workerTargets())[0];
  if (worker === undefined) throw new Error('no service worker target');
  await client.send('Target.closeTarget', { targetId: worker.targetId });
  // Puppeteer does not report a closed worker target: ask the browser until it is gone.
  for (let probe = 0; probe < 200 && (await workerTargets()).some((info) => info.targetId === worker.targetId); probe += 1) await pause(25);
  const resumed = (async () => {
    for (let probe = 0; probe < 1200; probe += 1) {
      const back = (await workerTargets())[0];
      if (back !== undefined) {
        const { sessionId } = await client.send('Target.attachToTarget', { targetId: back.targetId, flatten: true });
        await client.connection()?.session(sessionId)?.send('Runtime.runIfWaitingForDebugger');
        return;
      }
      await pause(25);
    }
  })();
  return { resumed };
}

/** Strikes; `resumed` settles once the browser is whole again. */
async function strike(matrix: BrowserMatrixBench, fault: BrowserFault, popup: Page): Promise<{ resumed: Promise<void> }> {
  switch (fault) {
    case 'service worker killed':
      return killServiceWorker(matrix.session);
    case 'popup closed':
      await popup.close();
      return { resumed: Promise.resolve() };
    case 'browser closed': {
      const { profileDir } = matrix.session;
      await matrix.session.browser.close();
      matrix.session = await launchWithExtension({ installHost: true, stateDir: matrix.bench.stateDir, extensionDir: matrix.bench.extensionDir, profileDir });
      await contentScriptRegistered(matrix.session);
      return { resumed: Promise.resolve() };
    }
  }
}

/**
 * One browser-side cell on a clean insurer: send `code` for the patient, strike mid-send, then
 * open the popup again (its history settles the ledger from the host's journal) and send again
 * while the ledger says the send did not go out or its outcome is unknown.
 */
export async function runBrowserCell(matrix: BrowserMatrixBench, fault: BrowserFault, code: string): Promise<BrowserCellResult> {
  const { bench } = matrix;
  await simulatorQuiet(bench.simulator.url, bench.pki.caCert);
  await simulatorControlReset(bench.simulator.url, bench.pki.caCert, 'attestations');
  await simulatorControlReset(bench.simulator.url, bench.pki.caCert, 'stats');
  bench.simulator.setFaults([{ service: 'eattest', kind: 'latency', latencyMs: MID_SEND_LATENCY_MS, count: 1 }]);
  try {
    let page = await matrix.session.browser.newPage();
    await page.goto(`${bench.ehr.origin}${EHR_PATIENT_PAGE}`);
    const popup = await openPopupFromEhr(matrix.session, page);
    await sendFromPopup(popup, code);
    await requestAtInsurer(bench);
    const { resumed } = await strike(matrix, fault, popup);
    // The clinician closes the popup that showed the send, if it is still open, and opens it again from the page.
    if (!popup.isClosed() && popup.browser() === matrix.session.browser) await popup.close();

    /** The clinician opens the popup from the page (its history settles the ledger from the host's journal). */
    const openPopup = async (): Promise<{ popup: Page; record: AttestationRecord | undefined }> => {
      if (page.isClosed() || page.browser() !== matrix.session.browser) {
        page = await matrix.session.browser.newPage();
        await page.goto(`${bench.ehr.origin}${EHR_PATIENT_PAGE}`);
      }
      const opened = await openPopupFromEhr(matrix.session, page);
      await opened.waitForSelector('[data-testid="history-entry"]', { timeout: 20_000 });
      return { popup: opened, record: recordOf(await ledger(opened), code) };
    };
    let record: AttestationRecord | undefined;
    const seen: string[] = [];
    for (let opening = 0; opening < MAX_OPENINGS && record?.status !== 'acknowledged'; opening += 1) {
      const looked = await openPopup();
      record = looked.record;
      seen.push(record?.status ?? 'none');
      // Not sent, its outcome unknown, or still pending in the journal (its host died with it): send again.
      if (record === undefined || record.status === 'unknown' || record.status === 'notSent' || record.status === 'pending') {
        await sendFromPopup(looked.popup, code);
        const answer = await looked.popup.waitForSelector('[data-testid="ack-number"], [data-testid="attestation-confirm"] [data-error-code], [data-testid="attestation-result"][data-outcome="refused"]', { timeout: 30_000 });
        const refusal = await answer?.evaluate((element) => element.getAttribute('data-error-code'));
        record = recordOf(await ledger(looked.popup), code);
        seen.push(`sent again${typeof refusal === 'string' ? ` (${refusal})` : ''}: ${record?.status ?? 'none'}`);
        // The host says the first send is still on its way: the clinician waits for it before looking again.
        if (refusal === 'SEND_IN_FLIGHT') await simulatorQuiet(bench.simulator.url, bench.pki.caCert);
      }
      await looked.popup.close().catch(() => undefined);
    }
    // Once every request at the insurer is answered (the first may still wait out its latency), the ledger as it stays.
    await resumed;
    await simulatorQuiet(bench.simulator.url, bench.pki.caCert);
    const last = await openPopup();
    record = last.record;
    seen.push(`at the end: ${record?.status ?? 'none'}`);
    await last.popup.close().catch(() => undefined);
    await page.close().catch(() => undefined);
    return await judge(bench, fault, code, record, seen);
  } finally {
    bench.simulator.setFaults([]);
  }
}

async function judge(bench: FlowBench, fault: BrowserFault, code: string, record: AttestationRecord | undefined, seen: readonly string[]): Promise<BrowserCellResult> {
  const stored = (await simulatorControl(bench.simulator.url, bench.pki.caCert, 'attestations')) as { attestations: StoredAttestation[] };
  const live = stored.attestations.filter((attestation) => attestation.patientSsin === PATIENT && attestation.cancelled === undefined);
  const problems: string[] = [];
  if (record?.status !== 'acknowledged') problems.push(`the ledger says ${record?.status ?? 'nothing'}`);
  if (live.length !== 1) problems.push(`${live.length} live attestations at the insurer`);
  const insurer = live.find((attestation) => attestation.acknowledgementNumber === record?.acknowledgementNumber);
  if (record !== undefined && live.length > 0 && insurer === undefined) problems.push(`the ledger's number ${record.acknowledgementNumber ?? 'none'} is not the insurer's`);
  if (record !== undefined && insurer !== undefined) {
    const receipt = record.outcome?.outcome === 'acknowledged' ? record.outcome.attestation : record.attestation;
    const acts = (list: readonly { code: string; amountPaidCents?: number | undefined }[]) => list.map((act) => `${act.code}:${act.amountPaidCents ?? '?'}`).join(',');
    if (acts(receipt.acts) !== acts(insurer.acts)) problems.push(`receipt acts ${acts(receipt.acts)}, insurer ${acts(insurer.acts)}`);
    if (record.outcome !== undefined && record.outcome.inputReference !== insurer.inputReference) problems.push(`receipt InputReference ${record.outcome.inputReference}, insurer ${insurer.inputReference}`);
  }
  return { name: `${fault} mid-send (${code})`, ledger: seen.join(' → '), live: live.length, problems };
}
