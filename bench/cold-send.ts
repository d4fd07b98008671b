import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchWithExtension } from '../tests/support/chromium.js';
import { BareClient, type BenchEnvironment } from './environment.js';
import { clickSendAndTime, openPopup, prepareTypedSend } from './popup-send.js';
import { nodeBareStart, ratio, sleep, summarize, timeRuns, waitUntil, type Summary } from './stats.js';

/**
 * Figure 3: the cold send. The popup is ready with Send on screen, but the host is not running
 * (it left on its idle timeout) and so nothing is cached: the click pays for the browser spawning
 * the host, the handshake, the STS sign-in, the ETKs and the send. The floor is `node -e 0` plus
 * three bare round trips replayed from a warm client (STS, ETK, eAttest).
 */

export interface ColdSendFigures {
  clickToAckColdMs: Summary;
  nodeBareStartMs: number;
  bareStsMs: number;
  bareEtkMs: number;
  bareEattestMs: number;
  coldBaselineMs: number;
  coldRatio: number;
}

/**
 * A short idle timeout, so that the host leaves soon after the popup is ready; long enough that it
 * does not leave between the popup's status and insurability requests (a request that reaches a
 * host on its way out fails with HOST_CRASHED: a race of the idle exit, see the bench note).
 */
const IDLE_TIMEOUT_MS = 3000;

/** Whether a host process of this state folder is running, from its log: every start has its exit line. */
export function hostRunning(stateDir: string): boolean {
  let log = '';
  try {
    log = readFileSync(join(stateDir, 'host.log'), 'utf8');
  } catch {
    return false;
  }
  return (log.match(/host started/g) ?? []).length > (log.match(/host exiting/g) ?? []).length;
}

export async function measureColdSend(env: BenchEnvironment, options: { iterations: number }): Promise<ColdSendFigures> {
  const stateDir = env.provisionState({ idleTimeoutMs: IDLE_TIMEOUT_MS });
  const session = await launchWithExtension({ installHost: true, stateDir });
  const clicks: number[] = [];
  try {
    for (let run = 0; run < options.iterations; run += 1) {
      const page = await openPopup(session);
      await prepareTypedSend(page, env.freshActCode());
      // The host leaves once idle; the popup stays ready with Send on screen.
      await waitUntil(() => (hostRunning(stateDir) ? undefined : true), 10 * IDLE_TIMEOUT_MS, 'the host to leave on its idle timeout');
      // The log line comes just before the exit: let the browser see the port close.
      await sleep(300);
      clicks.push((await clickSendAndTime(page)).elapsedMs);
      await page.close();
    }
  } finally {
    await session.close();
  }

  const client = new BareClient(env.simulator.url, env.pki.caCert);
  const medianReplay = async (service: 'sts' | 'etk' | 'eattest'): Promise<number> => {
    const recorded = env.lastRequest(service);
    if (recorded === undefined) throw new Error(`the simulator saw no ${service} request`);
    await client.replayOk(recorded);
    return summarize(await timeRuns(5, () => client.replayOk(recorded))).median;
  };
  let sts: number;
  let etk: number;
  let eattest: number;
  try {
    sts = await medianReplay('sts');
    etk = await medianReplay('etk');
    eattest = await medianReplay('eattest');
  } finally {
    client.close();
  }
  const nodeStarts: number[] = [];
  for (let run = 0; run < 5; run += 1) nodeStarts.push(await nodeBareStart());
  const nodeStart = summarize(nodeStarts).median;
  const cold = summarize(clicks);
  const baseline = nodeStart + sts + etk + eattest;
  return {
    clickToAckColdMs: cold,
    nodeBareStartMs: nodeStart,
    bareStsMs: sts,
    bareEtkMs: etk,
    bareEattestMs: eattest,
    coldBaselineMs: Math.round(baseline * 100) / 100,
    coldRatio: ratio(cold.median, baseline),
  };
}
