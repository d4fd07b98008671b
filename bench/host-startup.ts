import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hello, startHost } from '../tests/support/host-process.js';
import { nodeBareStart, ratio, sleep, summarize, type Summary } from './stats.js';

/**
 * Figure 5: how long the built host takes from spawn to an answered handshake, against `node -e 0`,
 * and how much memory it holds when idle, against a bare Node process that also just waits.
 */

export interface HostStartupFigures {
  hostStartToHandshakeMs: Summary;
  nodeBareStartMs: Summary;
  hostStartRatio: number;
  hostIdleRssKiB: number;
  nodeIdleRssKiB: number;
  hostMemoryRatio: number;
  /** The packaged host (a single executable, `npm run package`), measured interleaved with the two above. */
  packaged?: { hostStartToHandshakeMs: Summary; hostStartRatio: number };
}

/** Resident set size of a process, from /proc (Linux). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** One host start (the built one, or the packaged `executable`): spawn to handshake answered; the host is then asked to stop. */
export async function startToHandshake(stateDir: string, measureIdle: boolean, executable?: string): Promise<{ elapsedMs: number; idleRssKiB?: number }> {
  const started = performance.now();
  const host = startHost({ stateDir, ...(executable !== undefined ? { executable } : {}) });
  const reply = await hello(host);
  const elapsedMs = performance.now() - started;
  if (!reply.ok) throw new Error(`the host refused the handshake: ${JSON.stringify(reply.error)}`);
  let idleRssKiB: number | undefined;
  if (measureIdle) {
    // Idle as the browser leaves it between consultations: handshake done, a status asked, then nothing.
    const status = await host.request('status', {});
    if (!status.ok) throw new Error('the host did not answer status');
    await sleep(1000);
    idleRssKiB = rssKiB(host.child.pid ?? 0);
  }
  host.child.stdin.end();
  await host.exited;
  return { elapsedMs, ...(idleRssKiB !== undefined ? { idleRssKiB } : {}) };
}

/** A bare Node process that waits like an idle host, for its resident memory. */
async function bareNodeIdleRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
  await sleep(1000);
  const rss = rssKiB(child.pid ?? 0);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.end();
  await exited;
  return rss;
}

function packagedFigures(hostStart: Summary, nodeStart: Summary): NonNullable<HostStartupFigures['packaged']> {
  return { hostStartToHandshakeMs: hostStart, hostStartRatio: ratio(hostStart.median, nodeStart.median) };
}

export async function measureHostStartup(options: { iterations: number; stateDir: string; packagedHost?: string }): Promise<HostStartupFigures> {
  const host: number[] = [];
  const packaged: number[] = [];
  const bare: number[] = [];
  const { packagedHost } = options;
  // One unmeasured start of each warms the file cache.
  await startToHandshake(options.stateDir, false);
  if (packagedHost !== undefined) await startToHandshake(options.stateDir, false, packagedHost);
  await nodeBareStart();
  for (let run = 0; run < options.iterations; run += 1) {
    // Interleaved, so that all see the same machine load.
    host.push((await startToHandshake(options.stateDir, false)).elapsedMs);
    if (packagedHost !== undefined) packaged.push((await startToHandshake(options.stateDir, false, packagedHost)).elapsedMs);
    bare.push(await nodeBareStart());
  }
  const idleHost: number[] = [];
  const idleBare: number[] = [];
  for (let run = 0; run < Math.min(3, options.iterations); run += 1) {
    idleHost.push((await startToHandshake(options.stateDir, true)).idleRssKiB ?? 0);
    idleBare.push(await bareNodeIdleRss());
  }
  const hostStart = summarize(host);
  const nodeStart = summarize(bare);
  const hostRss = summarize(idleHost).median;
  const nodeRss = summarize(idleBare).median;
  return {
    hostStartToHandshakeMs: hostStart,
    nodeBareStartMs: nodeStart,
    hostStartRatio: ratio(hostStart.median, nodeStart.median),
    hostIdleRssKiB: hostRss,
    nodeIdleRssKiB: nodeRss,
    hostMemoryRatio: ratio(hostRss, nodeRss),
    ...(packaged.length > 0 ? { packaged: packagedFigures(summarize(packaged), nodeStart) } : {}),
  };
}
