import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { captures } from '../support/captures.js';
import { writeFakeSecretTool } from '../support/fake-secret-tool.js';
import { repoRoot } from '../support/paths.js';
import { CLINICIAN_INSTALL_SECTION, blockCommands, inlineSpans, readmeSection, runReadmeScenarios, shell, unmatchedScenarios, type ReadmeScenarios, type ShellRun } from '../support/readme.js';
import { writeHostConfig } from '../support/provisioning.js';

/**
 * Every command the README shows, run as written through a shell: the host's (`npm run -s host --
 * …`, in sh blocks and inline, and inline `eattest-host …` mentions, called the README's way) and
 * the npm scripts. Each must be classified below, and each classification must still be in the
 * README, so that the README cannot drift from what works. The commands run in a scratch folder
 * inside the checkout (npm finds the package from there) with a scratch HOME: `install` writes
 * into it, the host keeps its state under it, and a stand-in secret-tool keeps the password.
 * Placeholders the README leaves to the reader (`…`, `R`, `FILE`) get concrete values; optional
 * `[…]` parts are run without and with them.
 */

const HOST = 'npm run -s host -- ';
/** The clinician's install section is run against the packaged host, by tests/integration/packaged-host.test.ts. */
const { rest: readme } = readmeSection(CLINICIAN_INSTALL_SECTION);

/** The README's commands: lines of sh blocks and inline host commands in the prose. */
function readmeCommands(): string[] {
  const found = new Set(blockCommands(readme, ['sh']));
  for (const span of inlineSpans(readme)) {
    if (span.startsWith(HOST) || span.startsWith('npx eattest-host')) found.add(span);
    else if (/^eattest-host [a-z]/.test(span)) found.add(`${HOST}${span.slice('eattest-host '.length)}`);
  }
  return [...found];
}

/** `[--x]` parts left out, and put in with each of their `a|b` alternatives in turn. */
function variants(command: string): string[] {
  const optional = /\[([^\]]*)\]/g;
  if (!optional.test(command)) return [command];
  const without = command.replace(optional, '').replace(/\s+/g, ' ').trim();
  const alternatives = Math.max(...[...command.matchAll(optional)].map((match) => (match[1] ?? '').split('|').length));
  const withAll = Array.from({ length: alternatives }, (_, k) =>
    command.replace(optional, (_whole, inner: string) => {
      const [head, ...rest] = inner.split(' ');
      const choices = rest.join(' ').split('|');
      return [head, choices[Math.min(k, choices.length - 1)]].filter((word) => word !== undefined && word !== '').join(' ');
    }),
  );
  return [without, ...withAll];
}

let pki: TestPki;
let simulator: Simulator;
mkdirSync(join(repoRoot, '.test-results'), { recursive: true });
const workDir = mkdtempSync(join(repoRoot, '.test-results', 'readme-commands-'));
const fakeBin = mkdtempSync(join(tmpdir(), 'eattest-readme-bin-'));
const today = brusselsDateTime(new Date()).date;

const homes: string[] = [];
function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'eattest-readme-home-'));
  homes.push(home);
  const stateDir = join(home, '.local', 'state', 'eattest');
  mkdirSync(stateDir, { recursive: true });
  writeHostConfig(stateDir, { pki, simulatorUrl: simulator.url });
  return home;
}
let home: string;

/** The command through sh, as a user types it; asynchronous, since the simulator answers from this process. */
function sh(command: string, options: { home?: string; stdin?: string } = {}): Promise<ShellRun> {
  const env = { PATH: `${fakeBin}${delimiter}${process.env['PATH'] ?? ''}`, HOME: options.home ?? home, npm_config_update_notifier: 'false' };
  return shell(command, { cwd: workDir, env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
}

function json(run: ShellRun): Record<string, unknown> {
  return JSON.parse(run.out) as Record<string, unknown>;
}

function consultation(codes: readonly string[]): string {
  return JSON.stringify({
    patient: { ssin: '85041213359', firstName: 'Test', lastName: 'Patient' },
    careDate: today,
    collectingEntityCbe: '0820563481',
    patientPaidCents: 1250 * codes.length,
    acts: codes.map((code) => ({ code, quantity: 1, serviceDate: today, amountPaidCents: 1250 })),
  });
}

const chromiumManifest = () => join(home, '.config', 'chromium', 'NativeMessagingHosts', 'be.eattest.companion.json');
let acknowledgementNumber = '';

/** What each README command is checked for, in README order where one needs another's result. */
const scenarios: ReadmeScenarios = {
  [`${HOST}ARGS`]: async (command) => {
    expect(await sh(command.replace('ARGS', '--version'))).toMatchObject({ code: 0, out: `${PRODUCT_VERSION}\n` });
  },
  [`${HOST}certificate import ~/ehealth/SSIN_20261130-120000.acc-p12 --password-stdin`]: async (command) => {
    mkdirSync(join(home, 'ehealth'));
    copyFileSync(pki.clinicians.doctorRsa.legacyKeystore, join(home, 'ehealth', 'SSIN_20261130-120000.acc-p12'));
    const run = await sh(command, { stdin: pki.clinicians.doctorRsa.password });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(pki.clinicians.doctorRsa.identity.ssin);
    expect(readFileSync(join(fakeBin, 'calls.log'), 'utf8')).toContain('store --label=eAttest companion keystore password');
  },
  [`${HOST}install --browser chromium`]: async (command) => {
    const run = await sh(command);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('Installed the eAttest host for chromium (production install)');
    expect(existsSync(chromiumManifest())).toBe(true);
    // The line's comment: "or chrome, edge, firefox".
    for (const browser of ['chrome', 'edge', 'firefox']) {
      const other = await sh(command.replace('chromium', browser));
      expect(other.code, other.err).toBe(0);
      expect(other.out).toContain(`Installed the eAttest host for ${browser} (production install)`);
    }
  },
  [`${HOST}doctor`]: async (command) => {
    const run = await sh(command);
    for (const browser of ['chromium', 'chrome', 'edge', 'firefox']) expect(run.out).toContain(`ok       ${browser}: manifest at `);
    expect(run.out).toContain(`ok       chromium: manifest at ${chromiumManifest()}`);
    expect(run.code, run.out).toBe(0);
  },
  [`${HOST}uninstall --browser chromium`]: async (command) => {
    for (const browser of ['chromium', 'chrome', 'edge', 'firefox']) expect((await sh(command.replace('chromium', browser))).code).toBe(0);
    expect(existsSync(chromiumManifest())).toBe(false);
    expect((await sh(`${HOST}doctor`)).out).toContain('the host is not installed for any browser');
  },
  [`${HOST}install --development`]: async (command) => {
    // The inline mention names the option; the browser is the reader's.
    const run = await sh(`${command} --browser chromium`);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('(development install)');
    expect(await sh(`${HOST}uninstall --browser chromium`)).toMatchObject({ code: 0 });
  },
  [`${HOST}insurability --ssin …`]: async (command) => {
    // Taken literally, a usage error that says what an SSIN is.
    expect(await sh(command)).toMatchObject({ code: 2, err: expect.stringContaining('not a valid SSIN') as unknown });
    const run = await sh(command.replace('…', '85041213359'));
    expect(run.code, run.err).toBe(0);
    expect(json(run)).toMatchObject({ insurer: '100', route: { kind: 'eattest' } });
  },
  [`${HOST}insurability --ssin 85041213359 [--date 2026-11-30] [--contact-type other|hospitalized]`]: async (command) => {
    for (const variant of variants(command)) {
      const run = await sh(variant);
      if (variant.endsWith('hospitalized')) {
        // This patient is not in hospital: the insurer's typed refusal, exit 1, as the README says.
        expect(run.code, variant).toBe(1);
        expect(JSON.parse(run.err), variant).toMatchObject({ error: { code: 'MYCARENET_REFUSED', details: { detailCode: 'MISMATCHED_CONTACTTYPE' } } });
        continue;
      }
      expect(run.code, `${variant}: ${run.err}`).toBe(0);
      expect(json(run), variant).toMatchObject({ insurer: '100', patient: { ssin: '85041213359' } });
    }
  },
  [`${HOST}insurability --member 0085041213@116`]: async (command) => {
    const run = await sh(command);
    expect(run.code, run.err).toBe(0);
    expect(json(run)).toMatchObject({ patient: { ssin: '85041213359' }, insurer: '100' });
  },
  [`${HOST}tariffs --ssin 85041213359 --codes 101010,101032 [--date 2026-11-30]`]: async (command) => {
    for (const variant of variants(command)) {
      const run = await sh(variant);
      expect(run.code, `${variant}: ${run.err}`).toBe(0);
      expect(json(run), variant).toMatchObject({ lines: [{ code: '101010' }, { code: '101032' }] });
    }
  },
  [`${HOST}inspect answer.xml`]: async (command) => {
    copyFileSync(captures('memberdata')[0]?.path ?? '', join(workDir, 'answer.xml'));
    const run = await sh(command);
    expect(run.code, run.err).toBe(0);
    expect(json(run)).toMatchObject({ kind: 'memberdata-response' });
  },
  [`${HOST}inspect FILE`]: async (command) => {
    expect(json(await sh(command.replace('FILE', 'answer.xml')))).toMatchObject({ kind: 'memberdata-response' });
    // Taken literally, there is no file FILE: said plainly, no stack trace.
    expect(await sh(command)).toMatchObject({ code: 2, err: 'eattest-host inspect: FILE cannot be read (ENOENT)\n' });
  },
  [`${HOST}inspect`]: async (command) => {
    // The prose names the command; without its file it says how to call it.
    const run = await sh(command);
    expect(run.code).toBe(2);
    expect(run.err).toContain('inspect');
  },
  [`${HOST}attest --file consultation.json`]: async (command) => {
    writeFileSync(join(workDir, 'consultation.json'), consultation(['101010']));
    const run = await sh(command);
    expect(run.code, run.err).toBe(0);
    const outcome = json(run);
    expect(outcome).toMatchObject({ outcome: 'acknowledged' });
    acknowledgementNumber = String(outcome['acknowledgementNumber']);
  },
  [`${HOST}cancel --ack 100-1-261130-0000001-45 --ssin 85041213359 --reason B`]: async (command) => {
    // The README's number is an example the insurer does not hold: its refusal, as JSON.
    const example = await sh(command);
    expect(example.code, example.err).toBe(0);
    expect(json(example)).toMatchObject({ outcome: 'refused' });
    const run = await sh(command.replace('100-1-261130-0000001-45', acknowledgementNumber));
    expect(run.code, run.err).toBe(0);
    expect(json(run)).toMatchObject({ outcome: 'cancelled' });
  },
  [`${HOST}journal [--verify] [--export audit.json]`]: async (command) => {
    for (const variant of variants(command)) {
      const run = await sh(variant);
      expect(run.code, `${variant}: ${run.err}`).toBe(0);
      // With --export it says what it wrote and the chain's check; alone it lists today's sends.
      expect(run.out, variant).toContain(variant.includes('--export') ? 'to audit.json (chain valid' : acknowledgementNumber);
    }
    expect(readFileSync(join(workDir, 'audit.json'), 'utf8')).toContain(acknowledgementNumber);
  },
  [`${HOST}journal --recheck-signatures`]: async (command) => {
    const run = await sh(command);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/send .* recorded verified {2}→ {2}today verified/);
  },
  [`${HOST}journal abandon --reference R --reason "…"`]: async (command) => {
    writeFileSync(join(workDir, 'consultation-unknown.json'), consultation(['101032']));
    simulator.setFaults([{ service: 'eattest', kind: 'dropAfterAccept', count: 1 }]);
    const unknown = await sh(`${HOST}attest --file consultation-unknown.json`);
    expect(unknown.code).toBe(1);
    const error = (JSON.parse(unknown.err) as { error: { code: string; details: { inputReference: string } } }).error;
    expect(error.code).toBe('MYCARENET_UNAVAILABLE');
    // Taken literally, the reason is too short to be one.
    expect(await sh(command)).toMatchObject({ code: 2, err: expect.stringContaining('the reason is 10 to 500 characters') as unknown });
    const run = await sh(command.replace('--reference R', `--reference ${error.details.inputReference}`).replace('"…"', '"the insurer has no trace of it"'));
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(error.details.inputReference);
  },
  [`${HOST}journal --accept-loss`]: async (command) => {
    // An intact journal has nothing to accept.
    const intact = await sh(command);
    expect(intact.code).not.toBe(0);
    expect(`${intact.out}${intact.err}`).toContain('nothing was lost');
    // Cut from its end, as the README says: refused while a lost entry is today's.
    const journalFile = join(home, '.local', 'state', 'eattest', 'journal', 'journal.jsonl');
    writeFileSync(journalFile, `${readFileSync(journalFile, 'utf8').split('\n').slice(0, 2).join('\n')}\n`);
    const cut = await sh(command);
    expect(cut.code).toBe(1);
    expect(cut.err).toContain('the last lost entry was written today');
  },
  [`${HOST}certificate import SSIN_….acc-p12 --password-stdin --profession physiotherapist`]: async (command) => {
    const physiotherapist = pki.clinicians.physiotherapist;
    copyFileSync(physiotherapist.legacyKeystore, join(workDir, 'SSIN_….acc-p12'));
    const run = await sh(command, { home: newHome(), stdin: physiotherapist.password });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(physiotherapist.identity.ssin);
  },
  [`${HOST}certificate import trainee.p12 --profession doctor --supervisor-nihii 19900143004 --supervisor-ssin 78031412448 --supervisor-first-name Anna --supervisor-last-name Peeters`]: async (command) => {
    const trainee = pki.clinicians.traineeDoctor;
    copyFileSync(trainee.legacyKeystore, join(workDir, 'trainee.p12'));
    // Without --password-stdin or a file, the password is asked for; given on stdin it is read there.
    const run = await sh(command, { home: newHome(), stdin: `${trainee.password}\n` });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(trainee.identity.ssin);
  },
  'npm run pki': async (command) => {
    const run = await sh(command);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(pki.clinicians.doctorRsa.identity.ssin);
  },
  'npm run simulator': async (command) => {
    // On a free port (8443 may be taken by another run); started, then stopped.
    const child = spawn('sh', ['-c', `${command} -- --port 0`], { cwd: workDir, env: { PATH: process.env['PATH'] ?? '', HOME: home, npm_config_update_notifier: 'false' }, detached: true });
    const started = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('TLS and STS trust anchor')) resolve(out);
      });
      child.on('close', (code) => reject(new Error(`the simulator exited (${String(code)}) before it listened: ${out}`)));
    });
    expect(started).toMatch(/MyCareNet simulator on https:\/\/127\.0\.0\.1:\d+/);
    const closed = new Promise((resolve) => child.on('close', resolve));
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await closed;
  },
  // The whole suite and the demo are far more than a minute: CI runs `npm test`, and `npm start` is the demo.
  'npm start': () => Promise.resolve(),
  'npm test': () => Promise.resolve(),
};

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  writeFakeSecretTool(fakeBin, join(fakeBin, 'calls.log'));
  home = newHome();
});
afterAll(async () => {
  await simulator.close();
  for (const dir of [workDir, fakeBin, ...homes]) rmSync(dir, { recursive: true, force: true });
});

describe('the README commands', () => {
  it('has no command left to a way that does not work from a checkout', () => {
    expect(readmeCommands().filter((command) => command.startsWith('npx eattest-host'))).toEqual([]);
  });

  it('every command the README shows is classified here, and every classification is still in the README', () => {
    const commands = readmeCommands();
    expect(unmatchedScenarios(commands, scenarios)).toEqual({ unclassified: [], gone: [] });
  });

  it('runs each as written, in a scratch HOME against the simulator', async () => {
    await runReadmeScenarios(scenarios);
  }, 120_000); // some 45 commands in a row, each an npm and a node start: more than the project's 30 s per test on a loaded machine
});
