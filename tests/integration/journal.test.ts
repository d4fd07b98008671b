import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { decideSend } from '../../native-host/src/transmission/send-rules.js';
import { Journal, readJournal } from '../../native-host/src/journal/journal.js';
import { PATIENT_SSIN, PROVIDER, sendIntent, sendOutcome } from '../support/journal-records.js';
import { builtHostScript, repoRoot } from '../support/paths.js';

/** The journal across processes: the built host's CLI, concurrent writers, and a writer killed mid-send. */

const writerScript = join(repoRoot, 'tests', 'support', 'journal-writer.ts');
const writerArgs = (...args: string[]) => ['--import', 'tsx', writerScript, ...args];

describe('the transmission journal across processes', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'eattest-journal-it-'));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const host = (...args: string[]) => {
    const result = spawnSync(process.execPath, [builtHostScript, 'journal', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: stateDir, EATTEST_STATE_DIR: stateDir },
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };

  async function journalOfThree(): Promise<void> {
    const journal = new Journal({ stateDir });
    const today = brusselsDate(new Date());
    const intent = await journal.append(sendIntent({ inputReference: '26010110000000', careDate: today }));
    await journal.append(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: '500-1-260101-0000001-11' }));
    await journal.append(sendIntent({ inputReference: '26010110000100', careDate: today, consultationKey: 'c'.repeat(64) }));
  }

  it('verifies a good journal, and names the first bad entry of a tampered one', async () => {
    await journalOfThree();
    const good = host('--verify');
    expect(good.code).toBe(0);
    expect(good.out).toContain('chain valid, 3 entries');

    const file = join(stateDir, 'journal', 'journal.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('500-1-260101-0000001-11', '500-1-260101-0000002-11');
    writeFileSync(file, lines.join('\n'));
    const tampered = host('--verify');
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain('BROKEN at line 2 (entry 2): its hash does not match its content');
  });

  it('names a journal cut back to one entry in verify, the summary and the export, against its head anchor', async () => {
    await journalOfThree();
    const file = join(stateDir, 'journal', 'journal.jsonl');
    writeFileSync(file, `${readFileSync(file, 'utf8').split('\n')[0] ?? ''}\n`);
    const verified = host('--verify');
    expect(verified.code).toBe(1);
    expect(verified.out).toContain('chain valid, 1 entries');
    expect(verified.out).toContain('TRUNCATED: the journal ends at entry 1 but its head anchor says entry 3 was written; entries 2–3 are missing');
    const summary = host();
    expect(summary.code).toBe(1);
    expect(summary.out).toContain('TRUNCATED');
    const exportFile = join(stateDir, 'audit.json');
    expect(host('--export', exportFile).code).toBe(1);
    const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as { headAnchor: unknown };
    expect(exported.headAnchor).toEqual({ status: 'truncated', anchoredSeq: 3, lastSeq: 1 });
  });

  it('summarises today’s sends and exports for an auditor without overwriting', async () => {
    await journalOfThree();
    const summary = host();
    expect(summary.code).toBe(0);
    expect(summary.out).toContain('acknowledged 500-1-260101-0000001-11');
    expect(summary.out).toContain('no outcome journaled');
    expect(summary.out).not.toContain('85073003328');

    const exportFile = join(stateDir, 'audit.json');
    expect(host('--export', exportFile).code).toBe(0);
    const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as { chain: { ok: boolean }; entries: unknown[]; exportedBy: { osUser: string }; exportedAt: string };
    expect(exported.chain.ok).toBe(true);
    expect(exported.entries).toHaveLength(3);
    expect(exported.exportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    const again = host('--export', exportFile);
    expect(again.code).toBe(1);
    expect(again.err).toContain('EEXIST');
  });

  it('keeps one valid chain when two processes append at the same time', async () => {
    const goFile = join(stateDir, 'go');
    const run = (label: string) => {
      let signalReady: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => (signalReady = resolve));
      const done = new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, writerArgs('append', stateDir, '40', label, goFile), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('ready')) signalReady();
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`writer ${label} exited ${String(code)}: ${output}`))));
      });
      return { ready, done };
    };
    const writers = [run('left'), run('right')];
    await Promise.all(writers.map((writer) => writer.ready));
    writeFileSync(goFile, '');
    await Promise.all(writers.map((writer) => writer.done));
    const reading = readJournal(stateDir);
    expect(reading.check).toMatchObject({ ok: true, entries: 80 });
    const references = reading.entries.map((entry) => (entry.record.kind === 'send-intent' ? entry.record.inputReference : ''));
    expect(references.filter((reference) => reference.startsWith('left-'))).toHaveLength(40);
    expect(references.filter((reference) => reference.startsWith('right-'))).toHaveLength(40);
    // They really interleaved: the lock arbitrated, neither ran alone.
    const switches = references.slice(1).filter((reference, index) => reference.slice(0, 4) !== references[index]?.slice(0, 4)).length;
    expect(switches).toBeGreaterThan(1);
    expect(host('--verify').code).toBe(0);
  });

  it('after a writer is killed between write-ahead and outcome, the same consultation is retried, not sent anew', async () => {
    const key = 'd'.repeat(64);
    const child = spawn(process.execPath, writerArgs('reserve-and-hang', stateDir, key), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const reserved = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(output.trim());
      });
      child.on('exit', (code) => reject(new Error(`writer exited ${String(code)} before reserving: ${output}`)));
    });
    expect(reserved).toMatch(/^reserved new \d{14}$/);
    const inputReference = reserved.split(' ')[2];
    const killed = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');

    const reading = readJournal(stateDir);
    expect(reading.check).toMatchObject({ ok: true, entries: 1 });
    const decision = decideSend(reading.entries, { consultationKey: key, careDate: brusselsDate(new Date()), providerNihii11: PROVIDER.nihii11, patientSsin: PATIENT_SSIN }, new Date());
    expect(decision).toMatchObject({ action: 'retry', inputReference, attemptNbr: 2, previousIntentSeq: 1 });
    expect(host().out).toContain(`ref ${inputReference ?? ''} attempt 1  no outcome journaled`);
  });
});
