import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TargetType } from 'puppeteer-core';
import { startEhrServer } from '../demo/ehr-server.js';
import { extensionId, launchWithExtension } from '../tests/support/chromium.js';
import { clickInPageButton, consultProposedPatient, waitForPopup } from '../tests/support/content-e2e.js';
import { extensionWithGrantedOrigins } from '../tests/support/granted-extension.js';
import { startSimulator } from '../simulator/src/server.js';
import { provisionHostState } from '../tests/support/provisioning.js';
import type { BenchEnvironment } from './environment.js';
import { clickSendAndTime } from './popup-send.js';
import { summarize, waitUntil, type Summary } from './stats.js';

/**
 * Figure 3, second half: the first click of the day with prewarming. A fresh browser, no host
 * running; the clinician opens a consultation in the demo EHR, the content script reports the page
 * (`content.ready`) and the background starts the host, which warms its keystore, STS token and
 * ETKs. The clinician then clicks the in-page button, reads the popup and clicks Send: that first
 * click should cost what a warm one does. Several samples, each in a fresh browser: one first
 * click is one draw of a noisy machine.
 */

export interface PrewarmFigures {
  /** Click on Send to acknowledgement number, the first of the day in each fresh browser. */
  firstClickPrewarmedMs: Summary;
  /** Whether the host reported its warm step done before the click, in every sample. */
  hostWarmed: boolean;
  /** What the host did before the click in the last sample, from the simulator's counts: a warmed host signed in and fetched ETKs. */
  requestsBeforeClick: Record<string, number>;
}

function hostLog(stateDir: string): string {
  try {
    return readFileSync(join(stateDir, 'host.log'), 'utf8');
  } catch {
    return '';
  }
}

interface PrewarmSample {
  firstClickMs: number;
  hostWarmed: boolean;
  requestsBeforeClick: Record<string, number>;
}

/**
 * One first click of the day: a fresh browser and host, and a simulator of its own, since the demo
 * page's consultation can be attested only once per day and insurer.
 */
async function sampleFirstClick(env: BenchEnvironment, ehrOrigin: string, extensionDir: string): Promise<PrewarmSample> {
  const simulator = await startSimulator({ pki: env.pki });
  const stateDir = provisionHostState({ pki: env.pki, clinician: env.pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  const session = await launchWithExtension({ installHost: true, stateDir, extensionDir });
  try {
    const target = await session.browser.waitForTarget((candidate) => candidate.type() === TargetType.SERVICE_WORKER && candidate.url().startsWith(`chrome-extension://${extensionId}/`));
    const worker = await target.worker();
    if (worker === null) throw new Error('no service worker');
    await waitUntil(async () => ((await worker.evaluate(() => typeof chrome !== 'undefined' && typeof chrome.scripting === 'object')) ? true : undefined), 10_000, 'the extension APIs');
    await waitUntil(async () => ((await worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).length)) > 0 ? true : undefined), 10_000, 'the content script registration');
    if (hostLog(stateDir).includes('host started')) throw new Error('the host was running before any EHR page was opened');

    const countsAtStart = { ...simulator.requestCounts() };
    const page = await session.browser.newPage();
    // MediSPA's first patient is the scenario patient in order (Lambert).
    await page.goto(`${ehrOrigin}/medispa/patients/p1`);
    // The clinician reads the consultation meanwhile; the bench waits for the host to say it is warm.
    // A host without a warm step never says so: then the clinician's few seconds of reading are all it gets.
    const hostWarmed = await waitUntil(() => (hostLog(stateDir).includes('host warm') ? true : undefined), 5000, 'the host to warm up').catch(() => false);
    const counts = simulator.requestCounts();
    const requestsBeforeClick = Object.fromEntries(Object.entries(counts).map(([service, count]) => [service, count - countsAtStart[service as keyof typeof counts]]));

    await clickInPageButton(page);
    const popup = await waitForPopup(session, 20_000);
    // The popup at a glance: the clinician checks the patient first here, so that the timed click is the send alone, as in the warm figure.
    await consultProposedPatient(popup);
    await popup.waitForSelector('[data-testid="send-attestation"]:not([disabled])', { timeout: 10_000 });
    const { elapsedMs } = await clickSendAndTime(popup);
    return { firstClickMs: elapsedMs, hostWarmed, requestsBeforeClick };
  } finally {
    await session.close();
    await simulator.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export async function measurePrewarm(env: BenchEnvironment, options: { samples: number }): Promise<PrewarmFigures> {
  const ehr = await startEhrServer();
  const granted = extensionWithGrantedOrigins(['http://127.0.0.1/*']);
  const samples: PrewarmSample[] = [];
  try {
    for (let run = 0; run < options.samples; run += 1) {
      // Each sample is a whole fresh browser, host and simulator: one that does not come up on a loaded
      // machine (a popup that never opens) is taken again once, said on stderr, rather than breaking the run.
      try {
        samples.push(await sampleFirstClick(env, ehr.origin, granted.dir));
      } catch (error) {
        process.stderr.write(`bench: prewarm sample ${run + 1} broke (${error instanceof Error ? error.message : String(error)}); taking it again\n`);
        samples.push(await sampleFirstClick(env, ehr.origin, granted.dir));
      }
    }
  } finally {
    granted.remove();
    await ehr.close();
  }
  return {
    firstClickPrewarmedMs: summarize(samples.map((sample) => sample.firstClickMs)),
    hostWarmed: samples.every((sample) => sample.hostWarmed),
    requestsBeforeClick: samples.at(-1)?.requestsBeforeClick ?? {},
  };
}
