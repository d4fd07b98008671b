import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeCachedModules } from '../../native-host/src/boot/code-cache.js';

/**
 * The boot's loader (native-host/src/boot/code-cache.ts): CommonJS program files compiled through
 * V8 with a code cache that serves only the exact source it was made from.
 */

let root: string;
let cacheDir: string;
const nodeRequire = createRequire(import.meta.url);

/** A two-file program: the entry requires a chunk and a built-in module, and runs strict. */
function writeProgram(answer = 41): void {
  mkdirSync(join(root, 'chunks'), { recursive: true });
  writeFileSync(join(root, 'chunks', 'lib-AAAA.cjs'), `exports.add = (a, b) => a + b; exports.loads = (exports.loads ?? 0) + 1;\n`);
  writeFileSync(
    join(root, 'main.cjs'),
    `const lib = require('./chunks/lib-AAAA.cjs'); const { sep } = require('node:path');\n` +
      `exports.answer = () => lib.add(${answer}, 1); exports.sep = sep; exports.strict = (function () { return this === undefined; })();\n` +
      `exports.lib = lib; exports.filename = __filename;\n`,
  );
}

function loader(options: { withoutCache?: boolean } = {}): CodeCachedModules {
  return new CodeCachedModules({ root, cacheDir: options.withoutCache === true ? undefined : cacheDir, nodeRequire });
}

interface Program {
  answer(): number;
  sep: string;
  strict: boolean;
  lib: { loads: number };
  filename: string;
}

beforeEach(() => {
  const base = mkdtempSync(join(tmpdir(), 'code-cache-'));
  root = join(base, 'program');
  cacheDir = join(base, 'state', 'code-cache');
  writeProgram();
});

afterEach(() => {
  rmSync(join(root, '..'), { recursive: true, force: true });
});

describe('the code-cached loader', () => {
  it('runs CommonJS program files strictly, each once, with built-ins from Node', () => {
    const modules = loader();
    const program = modules.require(join(root, 'main.cjs')) as Program;
    expect(program.answer()).toBe(42);
    expect(program.sep).toBe('/');
    expect(program.strict).toBe(true);
    expect(program.filename).toBe(join(root, 'main.cjs'));
    expect(modules.require(join(root, 'chunks', 'lib-AAAA.cjs'))).toBe(program.lib);
    expect(program.lib.loads).toBe(1);
    expect(modules.loaded()).toEqual([
      { file: 'main.cjs', cache: 'absent' },
      { file: join('chunks', 'lib-AAAA.cjs'), cache: 'absent' },
    ]);
    expect(modules.hasMisses()).toBe(true);
  });

  it('refuses a file outside the program folder', () => {
    const outside = join(root, '..', 'outside.cjs');
    writeFileSync(outside, 'exports.x = 1;\n');
    expect(() => loader().require(outside)).toThrow(/not a program file/);
  });

  it('saves entries (0600, in a 0700 folder) that the next process accepts', () => {
    const first = loader();
    first.require(join(root, 'main.cjs'));
    expect(first.save()).toBe(2);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const entries = readdirSync(cacheDir).sort();
    expect(entries).toEqual(['chunks%2Flib-AAAA.cjs.v8cache', 'main.cjs.v8cache']);
    for (const entry of entries) expect(statSync(join(cacheDir, entry)).mode & 0o777).toBe(0o600);

    const second = loader();
    expect((second.require(join(root, 'main.cjs')) as Program).answer()).toBe(42);
    expect(second.loaded().map((file) => file.cache)).toEqual(['accepted', 'accepted']);
    expect(second.hasMisses()).toBe(false);
  });

  it('does not use an entry for a changed source, even one of the same length', () => {
    const first = loader();
    first.require(join(root, 'main.cjs'));
    first.save();
    writeProgram(51);
    const second = loader();
    // Had V8's code for the old source run, the answer would still be 42.
    expect((second.require(join(root, 'main.cjs')) as Program).answer()).toBe(52);
    expect(second.loaded()).toEqual([
      { file: 'main.cjs', cache: 'absent' },
      { file: join('chunks', 'lib-AAAA.cjs'), cache: 'accepted' },
    ]);
  });

  it('ignores a damaged or foreign entry and replaces it on the next save', () => {
    const first = loader();
    first.require(join(root, 'main.cjs'));
    first.save();
    const entry = join(cacheDir, 'main.cjs.v8cache');
    const bytes = readFileSync(entry);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(entry, bytes);
    writeFileSync(join(cacheDir, 'chunks%2Flib-AAAA.cjs.v8cache'), 'not a cache entry at all');

    const second = loader();
    expect((second.require(join(root, 'main.cjs')) as Program).answer()).toBe(42);
    expect(second.loaded().map((file) => file.cache)).toEqual(['absent', 'absent']);
    second.save();
    const third = loader();
    third.require(join(root, 'main.cjs'));
    expect(third.loaded().map((file) => file.cache)).toEqual(['accepted', 'accepted']);
  });

  it('removes the entries of program files that are gone, and old leftovers of interrupted writes', () => {
    const first = loader();
    first.require(join(root, 'main.cjs'));
    first.save();
    writeFileSync(join(cacheDir, 'chunks%2Fold-BBBB.cjs.v8cache'), 'from an earlier build');
    writeFileSync(join(cacheDir, '%E0%A4%A.v8cache'), 'a name no entry has');
    // A chunk hash may hold "--": the entry of a file this process did not load still maps back to it.
    writeFileSync(join(root, 'chunks', 'cli-CC--CC.cjs'), 'exports.cli = true;\n');
    writeFileSync(join(cacheDir, 'chunks%2Fcli-CC--CC.cjs.v8cache'), 'kept: its program file exists');
    const oldTemporary = join(cacheDir, 'main.cjs.v8cache.999.tmp');
    const recentTemporary = join(cacheDir, 'main.cjs.v8cache.998.tmp');
    writeFileSync(oldTemporary, 'torn');
    writeFileSync(recentTemporary, 'another host is writing');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(oldTemporary, twoHoursAgo, twoHoursAgo);

    const second = loader();
    second.require(join(root, 'main.cjs'));
    second.save();
    expect(readdirSync(cacheDir).sort()).toEqual(['chunks%2Fcli-CC--CC.cjs.v8cache', 'chunks%2Flib-AAAA.cjs.v8cache', 'main.cjs.v8cache', 'main.cjs.v8cache.998.tmp']);
  });

  it('runs without a cache folder, and saving is then a no-op', () => {
    const modules = loader({ withoutCache: true });
    expect((modules.require(join(root, 'main.cjs')) as Program).answer()).toBe(42);
    expect(modules.save()).toBe(0);
  });
});
