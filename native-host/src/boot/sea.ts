import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { getAsset } from 'node:sea';
import type { ProgramBoot } from '../main.js';
import { stateDirectory } from '../state-directory.js';
import { CodeCachedModules, type ProgramSource } from './code-cache.js';

/**
 * The entry of the packaged host (a Node single-executable application, see scripts/package-host.ts).
 * It is the development boot (boot/eattest-host.ts) with the program's files read from the
 * executable's assets instead of a folder: the same CommonJS files (host-main.cjs answers the
 * handshake, chunks/ load on the first real command), compiled through the same code cache in the
 * state folder, so the packaged host starts as the development one does and parses no library
 * before it needs one. This script itself is small and carries its own code cache in the blob.
 *
 * In a single-executable application argv[1] is the executable again, so the arguments start at
 * argv[2] as they do under `node eattest-host.mjs`. The executable is both the launcher's "node"
 * and its host script (`install` writes `exec EXE EXE host "$@"`, which doctor reads back), so a
 * first argument naming the executable itself is that script's place and is dropped.
 */
type Program = typeof import('../main.js');

/** The program's files under their path relative to the program folder, '/'-separated (the asset keys of scripts/package-host.ts). */
const programAssets: ProgramSource = {
  read: (relativePath) => Buffer.from(getAsset(relativePath.split(sep).join('/'))),
  has: (relativePath) => {
    try {
      getAsset(relativePath.split(sep).join('/'));
      return true;
    } catch {
      return false;
    }
  },
};

// Not a folder on disk: the name the program files carry in stack traces and the cache's bookkeeping.
const programRoot = join(dirname(process.execPath), 'program');
const codeCache = new CodeCachedModules({
  root: programRoot,
  source: programAssets,
  cacheDir: join(stateDirectory(), 'code-cache'),
  // Built-in modules only: the program is bundled, and an application's require loads no file from disk.
  nodeRequire: createRequire(process.execPath),
});
const program = codeCache.require(join(programRoot, 'host-main.cjs')) as Program;
const args = process.argv.slice(2);
const boot: ProgramBoot = { hostScript: process.execPath, codeCache };
program.main(args[0] === process.execPath ? args.slice(1) : args, boot);
