import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import process from 'node:process';

/**
 * `npm run fuzz [-- vitest options]`: the properties of tests/fuzz with many more runs than in
 * `npm test`, from a fresh seed, printed first so that a failure can be replayed with
 * `FUZZ_SEED=<seed> npm run fuzz`. FUZZ_RUNS sets the runs per property (default 5000).
 */
const seed = process.env.FUZZ_SEED ?? String(randomInt(2 ** 31));
const runs = process.env.FUZZ_RUNS ?? '5000';
process.stdout.write(`fuzz: seed ${seed}, ${runs} runs per property (replay with FUZZ_SEED=${seed})\n`);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'fuzz', '--testTimeout=3600000', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
  shell: process.platform === 'win32',
});
process.exit(result.status ?? 1);
