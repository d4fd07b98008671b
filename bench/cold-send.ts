import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchWithExtension } from '../tests/support/chromium.js';
import { BareClient, type BenchEnvironment } from './environment.js';
import { clickSendAndTime, openPopup, prepareTypedSend } from './popup-send.js';
import { nodeBareStart, ratio, sleep, summarize, waitUntil, type Summary } from './stats.js';

/**
 * Figure 3: the cold send. The popup is ready with Send on screen, but the host is not running
 * (it left on its idle timeout), so no token and no ETK is cached: the click pays for the browser
 * spawning the host, the handshake, loading the program (compiled code does come from the code
 * cache, native-host/src/boot/code-cache.ts), the STS sign-in, the ETKs and the send. The floor is
 * `node -e 0` plus three bare round trips replayed from a warm client (STS, ETK, eAttest),
 * sampled after each click.
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

export async function measureColdSend(env: BenchEnvironment, options: { iterations: number; withoutCodeCache?: boolean }): Promise<ColdSendFigures> {
  const stateDir = env.provisionState({ idleTimeoutMs: IDLE_TIMEOUT_MS });
  const session = await launchWithExtension({ installHost: true, stateDir });
  const client = new BareClient(env.simulator.url, env.pki.caCert);
  const clicks: number[] = [];
  const floor = { nodeStart: [] as number[], sts: [] as number[], etk: [] as number[], eattest: [] as number[] };
  const replay = (service: 'sts' | 'etk' | 'eattest'): Promise<number> => {
    const recorded = env.lastRequest(service);
    if (recorded === undefined) throw new Error(`the simulator saw no ${service} request`);
    return client.timedReplay(recorded);
  };
  try {
    for (let run = 0; run < options.iterations; run += 1) {
      const page = await openPopup(session);
      await prepareTypedSend(page, env.freshActCode());
      // The host leaves once idle; the popup stays ready with Send on screen.
      await waitUntil(() => (hostRunning(stateDir) ? undefined : true), 10 * IDLE_TIMEOUT_MS, 'the host to leave on its idle timeout');
      // The log line comes just before the exit: let the browser see the port close.
      await sleep(300);
      if (options.withoutCodeCache === true) rmSync(join(stateDir, 'code-cache'), { recursive: true, force: true });
      clicks.push((await clickSendAndTime(page)).elapsedMs);
      await page.close();
      // The floor is sampled right after each click, so that both sides of the ratio see the
      // machine in the same state (it is shared, and its load drifts over a run).
      floor.nodeStart.push(await nodeBareStart());
      floor.sts.push(await replay('sts'));
      floor.etk.push(await replay('etk'));
      floor.eattest.push(await replay('eattest'));
    }
  } finally {
    client.close();
    await session.close();
  }

  const median = (values: number[]): number => summarize(values).median;
  const cold = summarize(clicks);
  const baseline = median(floor.nodeStart) + median(floor.sts) + median(floor.etk) + median(floor.eattest);
  return {
    clickToAckColdMs: cold,
    nodeBareStartMs: median(floor.nodeStart),
    bareStsMs: median(floor.sts),
    bareEtkMs: median(floor.etk),
    bareEattestMs: median(floor.eattest),
    coldBaselineMs: Math.round(baseline * 100) / 100,
    coldRatio: ratio(cold.median, baseline),
  };
}
