import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Every open, fsync and rename the durable writer makes, in order, with what it opened. */
const calls: string[] = [];
const openedPaths = new Map<number, string>();

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    openSync: (...args: Parameters<typeof actual.openSync>) => {
      const fd = actual.openSync(...args);
      openedPaths.set(fd, String(args[0]));
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${openedPaths.get(fd) ?? '?'}`);
      actual.fsyncSync(fd);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      calls.push(`rename → ${String(to)}`);
      actual.renameSync(from, to);
    },
  };
});

const { writeFileDurably } = await import('../../native-host/src/durable-file.js');

/**
 * Finding 10's last part: the send record's rename was not followed by an fsync of its folder, so a
 * power cut could lose the new name although its bytes were on disk. The one durable writer (send
 * records, in-flight markers, the journal's head, the custody file) fsyncs the file, renames it,
 * then fsyncs the folder that holds the name.
 */
describe('writeFileDurably', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    calls.length = 0;
  });

  it('fsyncs the data, renames it into place, then fsyncs the folder; the file is private', () => {
    const root = mkdtempSync(join(tmpdir(), 'eattest-durable-'));
    folders.push(root);
    const file = join(root, 'send-records', 'ref.json');
    writeFileDurably(file, '{"a":1}\n');

    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const rename = calls.indexOf(`rename → ${file}`);
    expect(rename).toBeGreaterThan(0);
    expect(calls.slice(0, rename).some((call) => call.startsWith('fsync ') && call.includes('ref.json'))).toBe(true);
    expect(calls.slice(rename + 1)).toContain(`fsync ${dirname(file)}`);
  });
});
