import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageHost } from '../scripts/package-host.js';
import { builtExtensionDir, builtHostScript } from '../tests/support/paths.js';
import { measureBundleSizes, type BundleSizeFigures } from './bundle-sizes.js';
import { measureColdSend, type ColdSendFigures } from './cold-send.js';
import { startBenchEnvironment, type BenchEnvironment } from './environment.js';
import { measureHostStartup, type HostStartupFigures } from './host-startup.js';
import { measurePrewarm, type PrewarmFigures } from './prewarm.js';
import { measureScrape, type ScrapeFigures } from './scrape.js';
import { measureSignAndSeal, type SignAndSealFigures } from './sign-and-seal.js';
import { ratio } from './stats.js';
import { targetRows, printTable } from './table.js';
import { measureWarmSend, type WarmSendFigures } from './warm-send.js';
import { measureYearOfJournal, type YearOfJournalFigures } from './year-of-journal.js';

/**
 * `npm run bench [-- --quick] [-- --json] [-- --only warm,cold]`: the performance figures of issue 7,
 * measured on the built artefacts (real Chromium, the real host, the simulator on loopback). It
 * prints a table (or, with --json, the figures) and exits non-zero when a measurement breaks; it
 * never fails because a figure misses its target, since times depend on the machine.
 */

export interface BenchFigures {
  hostStartup?: HostStartupFigures;
  signAndSeal?: SignAndSealFigures;
  scrape?: ScrapeFigures;
  bundles?: BundleSizeFigures;
  warmSend?: WarmSendFigures;
  coldSend?: ColdSendFigures;
  /** The same with the host's code cache removed before each click: a first start after an install or update. */
  coldSendWithoutCodeCache?: ColdSendFigures;
  prewarm?: PrewarmFigures & { prewarmedToWarmRatio?: number };
  /** Issue 13: the host's start and warm send with 100,000 journal entries against none. */
  yearOfJournal?: YearOfJournalFigures;
}

const MEASUREMENTS = ['startup', 'seal', 'scrape', 'bundles', 'warm', 'cold', 'prewarm', 'year'] as const;
type MeasurementName = (typeof MEASUREMENTS)[number];

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const quick = values.quick;
const selected = new Set<MeasurementName>(
  values.only === undefined
    ? MEASUREMENTS
    : values.only.split(',').map((name) => {
        if (!(MEASUREMENTS as readonly string[]).includes(name)) throw new Error(`unknown measurement ${name}; known: ${MEASUREMENTS.join(', ')}`);
        return name as MeasurementName;
      }),
);
const counts = quick
  ? { startup: 3, seal: 5, scrapeRepeats: 5, warmups: 1, warm: 3, cold: 1, prewarm: 1, yearStarts: 5, yearSends: 5, yearJournalWork: 30 }
  : { startup: 15, seal: 200, scrapeRepeats: 25, warmups: 3, warm: 30, cold: 5, prewarm: 5, yearStarts: 30, yearSends: 30, yearJournalWork: 200 };

const progress = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

async function main(): Promise<number> {
  if (!existsSync(builtHostScript) || !existsSync(join(builtExtensionDir, 'manifest.json'))) {
    progress('the host or the extension is not built: run `npm run build` first');
    return 2;
  }
  const figures: BenchFigures = {};
  const failures: string[] = [];
  let env: BenchEnvironment | undefined;
  const environment = async (): Promise<BenchEnvironment> => (env ??= await startBenchEnvironment());
  const step = async (name: MeasurementName, run: () => Promise<void>): Promise<void> => {
    if (!selected.has(name)) return;
    const started = performance.now();
    progress(`${name}…`);
    try {
      await run();
      progress(`${name} done in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      failures.push(name);
      progress(`${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };

  try {
    await step('startup', async () => {
      // The packaged host is built here, once (a few seconds), so that its start is measured from this checkout's code.
      const packagedHost = await packageHost({ log: progress });
      figures.hostStartup = await measureHostStartup({ iterations: counts.startup, stateDir: (await environment()).provisionState(), packagedHost });
    });
    await step('seal', async () => {
      figures.signAndSeal = await measureSignAndSeal({ iterations: counts.seal, pki: (await environment()).pki });
    });
    await step('scrape', async () => {
      figures.scrape = await measureScrape({ repeats: counts.scrapeRepeats });
    });
    await step('bundles', () => {
      figures.bundles = measureBundleSizes();
      return Promise.resolve();
    });
    await step('warm', async () => {
      figures.warmSend = await measureWarmSend(await environment(), { iterations: counts.warm, warmups: counts.warmups });
    });
    await step('cold', async () => {
      figures.coldSend = await measureColdSend(await environment(), { iterations: counts.cold });
      figures.coldSendWithoutCodeCache = await measureColdSend(await environment(), { iterations: counts.cold, withoutCodeCache: true });
    });
    await step('prewarm', async () => {
      const prewarm = await measurePrewarm(await environment(), { samples: counts.prewarm });
      const warmMedian = figures.warmSend?.clickToAckWarmMs.median;
      figures.prewarm = { ...prewarm, ...(warmMedian !== undefined ? { prewarmedToWarmRatio: ratio(prewarm.firstClickPrewarmedMs.median, warmMedian) } : {}) };
    });
    await step('year', async () => {
      figures.yearOfJournal = await measureYearOfJournal(await environment(), { starts: counts.yearStarts, sends: counts.yearSends, warmups: counts.warmups, journalWork: counts.yearJournalWork });
    });
  } finally {
    await env?.close();
  }

  const rows = targetRows(figures);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ quick, at: new Date().toISOString(), node: process.version, figures, targets: rows, failures }, null, 2)}\n`);
  } else {
    printTable(rows, (line) => process.stdout.write(`${line}\n`));
  }
  if (failures.length > 0) {
    progress(`broken measurements: ${failures.join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
