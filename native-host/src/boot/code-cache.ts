import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Script } from 'node:vm';

/**
 * Loads the host's CommonJS program files through V8 with a code cache kept in the state folder.
 *
 * Node 20 keeps no compile cache for modules (module.enableCompileCache came with Node 22), so a
 * fresh host compiled ~1.3 MB of program on every cold click. vm.Script accepts V8's cached data:
 * produced after the process has run (createCachedData then also holds every function compiled so
 * far), it lets the next process skip parsing and compiling what the last one used.
 *
 * A cache entry is only used for the exact source it was made from: V8 itself checks little more
 * than the source's length, so each entry starts with the SHA-256 of the source and of V8's data
 * (a damaged entry is refused before V8 sees it). Entries are written whole (temporary file, then
 * rename), 0600, in a 0700 folder: whoever can write there can already rewrite the host's config.
 */

export type CacheState = 'accepted' | 'absent' | 'rejected';

export interface LoadedProgramFile {
  /** Relative to the program folder. */
  file: string;
  cache: CacheState;
}

/** Where the program's files are read from: the program folder, or the packaged host's assets. */
export interface ProgramSource {
  /** The file's bytes; throws when there is no such file. */
  read(relativePath: string): Buffer;
  has(relativePath: string): boolean;
}

export interface CodeCacheOptions {
  /** The program folder: only files inside it are loaded this way. */
  root: string;
  /** The program files' bytes, by path relative to `root`; the files in `root` when not given. */
  source?: ProgramSource;
  /** Where entries are kept; undefined runs without a cache. */
  cacheDir: string | undefined;
  /** Resolves everything that is not a program file (Node's built-in modules). */
  nodeRequire: (id: string) => unknown;
}

const MAGIC = Buffer.from('EAHCODE1', 'latin1');
const DIGEST_BYTES = 32;
const HEADER_BYTES = MAGIC.length + 2 * DIGEST_BYTES;
/** Far above the program's largest file (~0.9 MB) and its cache (~1.2 MB): a bound, not a budget. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const ENTRY_SUFFIX = '.v8cache';
const STALE_TEMPORARY_MS = 3600 * 1000;

interface ProgramModule {
  exports: unknown;
}

interface LoadedFile {
  relativePath: string;
  sourceDigest: Buffer;
  script: Script;
  cache: CacheState;
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** One entry file per program file: its relative path, flattened reversibly (chunk names may hold any of [A-Za-z0-9_-]). */
function entryName(relativePath: string): string {
  return `${encodeURIComponent(relativePath.split(sep).join('/'))}${ENTRY_SUFFIX}`;
}

/** The program file an entry file was made for, relative to the program folder; undefined for a name entryName never makes. */
function programFileOf(name: string): string | undefined {
  try {
    return decodeURIComponent(name.slice(0, -ENTRY_SUFFIX.length)).split('/').join(sep);
  } catch {
    return undefined;
  }
}

/** The program files in their folder, as the development build lays them out. */
export function programFolder(root: string): ProgramSource {
  return { read: (relativePath) => readFileSync(join(root, relativePath)), has: (relativePath) => existsSync(join(root, relativePath)) };
}

export class CodeCachedModules {
  private readonly modules = new Map<string, ProgramModule>();
  private readonly files: LoadedFile[] = [];
  private readonly source: ProgramSource;

  constructor(private readonly options: CodeCacheOptions) {
    this.source = options.source ?? programFolder(options.root);
  }

  /** Loads (once) a program file and returns its exports. */
  require(file: string): unknown {
    const path = resolve(file);
    const known = this.modules.get(path);
    if (known !== undefined) return known.exports;
    const relativePath = relative(this.options.root, path);
    if (relativePath.startsWith('..') || isAbsolute(relativePath)) throw new Error(`not a program file: ${path}`);

    const sourceBytes = this.source.read(relativePath);
    if (sourceBytes.byteLength > MAX_FILE_BYTES) throw new Error(`program file too large: ${relativePath}`);
    const sourceDigest = sha256(sourceBytes);
    const cachedData = this.readEntry(relativePath, sourceDigest);
    // The program was bundled from ES modules, which are strict: the wrapper keeps them so. It
    // stays on the source's first line, so that stack traces keep their line numbers.
    const wrapped = `(function (exports, require, module, __filename, __dirname) {"use strict";${sourceBytes.toString('utf8')}\n})`;
    const script = new Script(wrapped, { filename: path, ...(cachedData !== undefined ? { cachedData } : {}) });
    const cache: CacheState = cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
    this.files.push({ relativePath, sourceDigest, script, cache });

    const module: ProgramModule = { exports: {} };
    this.modules.set(path, module);
    const folder = dirname(path);
    const requireFromHere = (id: string): unknown => (id.startsWith('.') ? this.require(resolve(folder, id)) : this.options.nodeRequire(id));
    const run = script.runInThisContext() as (exports: unknown, require: (id: string) => unknown, module: ProgramModule, filename: string, dirname: string) => void;
    run(module.exports, requireFromHere, module, path, folder);
    return module.exports;
  }

  /** What was loaded so far, and whether its cache served. */
  loaded(): LoadedProgramFile[] {
    return this.files.map(({ relativePath, cache }) => ({ file: relativePath, cache }));
  }

  /** Whether some loaded file ran without a usable cache entry. */
  hasMisses(): boolean {
    return this.files.some((file) => file.cache !== 'accepted');
  }

  /**
   * Writes an entry for every loaded file, with the code V8 holds for it now, and removes the
   * entries of program files that no longer exist (an earlier build). Returns how many were written.
   */
  save(): number {
    const cacheDir = this.options.cacheDir;
    if (cacheDir === undefined) return 0;
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    for (const file of this.files) {
      const data = file.script.createCachedData();
      const entry = Buffer.concat([MAGIC, file.sourceDigest, sha256(data), data]);
      const target = join(cacheDir, entryName(file.relativePath));
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, entry, { mode: 0o600 });
      renameSync(temporary, target);
    }
    this.removeStaleEntries(cacheDir);
    return this.files.length;
  }

  private readEntry(relativePath: string, sourceDigest: Buffer): Buffer | undefined {
    if (this.options.cacheDir === undefined) return undefined;
    let entry: Buffer;
    try {
      entry = readFileSync(join(this.options.cacheDir, entryName(relativePath)));
    } catch {
      return undefined;
    }
    if (entry.byteLength <= HEADER_BYTES || entry.byteLength > MAX_FILE_BYTES) return undefined;
    if (!entry.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    if (!entry.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES).equals(sourceDigest)) return undefined;
    const data = entry.subarray(HEADER_BYTES);
    if (!entry.subarray(MAGIC.length + DIGEST_BYTES, HEADER_BYTES).equals(sha256(data))) return undefined;
    return data;
  }

  private removeStaleEntries(cacheDir: string): void {
    const current = new Set(this.files.map((file) => entryName(file.relativePath)));
    for (const name of readdirSync(cacheDir)) {
      const path = join(cacheDir, name);
      if (name.endsWith(ENTRY_SUFFIX)) {
        // Entries of files this process did not load but that still exist (the command line's) stay.
        const relativePath = programFileOf(name);
        if (!current.has(name) && (relativePath === undefined || !this.source.has(relativePath))) rmSync(path, { force: true });
      } else if (name.endsWith('.tmp') && Date.now() - statSync(path).mtimeMs > STALE_TEMPORARY_MS) {
        // Left by a process that died while writing; a recent one may be another host's write in progress.
        rmSync(path, { force: true });
      }
    }
  }
}
