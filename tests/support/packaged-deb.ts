import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEB_PACKAGE_NAME, packageDeb } from '../../scripts/package-deb.js';
import { packageDir, packageHost } from '../../scripts/package-host.js';
import { repoRoot } from './paths.js';

/**
 * The packaged host and its .deb, as `npm run package` builds them (the same functions), built once
 * for every test file that needs them: packaging takes ~20 s of both cores, and two files packaging
 * at once (an integration and an e2e file run side by side) would overwrite each other's
 * dist/package/. A lock folder makes the test processes take turns; a fingerprint of everything the
 * packaging reads lets the later ones, and later runs on unchanged sources, reuse what is there.
 */

export interface PackagedDeb {
  /** The host as one executable (dist/package/eattest-host). */
  executable: string;
  deb: string;
}

const LOCK_DIR = join(packageDir, '.test-packaging.lock');
const LOCK_OWNER = join(LOCK_DIR, 'pid');
const STAMP_FILE = join(packageDir, 'test-packaging.json');
/** What the packaging reads: the host's and the shared sources, the packaging scripts, the dependencies; and the Node it copies. */
const PACKAGING_INPUTS = ['native-host', 'src', 'scripts', 'package.json', 'package-lock.json'];

function packagingFingerprint(): string {
  const hash = createHash('sha256').update(`${process.execPath}\0${process.version}\0${process.arch}\0`);
  for (const input of PACKAGING_INPUTS) {
    const path = join(repoRoot, input);
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name))
      : [path];
    for (const file of files.sort()) hash.update(`${file.slice(repoRoot.length)}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (waiting for another test process that holds it); a lock left by a process that died is taken over. */
async function lockPackaging(): Promise<() => void> {
  mkdirSync(packageDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(LOCK_OWNER, String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(existsSync(LOCK_OWNER) ? readFileSync(LOCK_OWNER, 'utf8') : '', 10);
    // No pid yet: its owner is between mkdir and writeFile, so it is alive.
    if (owner > 0 && !isAlive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true });
    else await sleep(250);
  }
}

export async function packagedDeb(): Promise<PackagedDeb> {
  const unlock = await lockPackaging();
  try {
    const fingerprint = packagingFingerprint();
    if (existsSync(STAMP_FILE)) {
      const stamp = JSON.parse(readFileSync(STAMP_FILE, 'utf8')) as PackagedDeb & { fingerprint: string };
      if (stamp.fingerprint === fingerprint && existsSync(stamp.executable) && existsSync(stamp.deb)) return { executable: stamp.executable, deb: stamp.deb };
    }
    rmSync(STAMP_FILE, { force: true });
    const executable = await packageHost();
    const deb = packageDeb(executable);
    writeFileSync(STAMP_FILE, JSON.stringify({ fingerprint, executable, deb }));
    return { executable, deb };
  } finally {
    unlock();
  }
}

/**
 * Installs the .deb with dpkg itself, as `dpkg -i` would, into a scratch root with its own package
 * database (--root), not into this machine: it runs other things. --force-not-root lets a
 * non-root CI user do it; --force-depends because the scratch database knows no libc6.
 */
export function dpkgInstall(deb: string, root: string): void {
  for (const folder of ['info', 'updates', 'triggers']) mkdirSync(join(root, 'var', 'lib', 'dpkg', folder), { recursive: true });
  writeFileSync(join(root, 'var', 'lib', 'dpkg', 'status'), '', { flag: 'a' });
  dpkg(root, ['--force-depends', '--install', deb]);
}

/** `dpkg -r` in the scratch root. */
export function dpkgRemove(root: string): void {
  dpkg(root, ['--remove', DEB_PACKAGE_NAME]);
}

/** The package's `Status:` in the scratch root's database, undefined once dpkg has forgotten it (removed, no conffiles left). */
export function dpkgStatus(root: string): string | undefined {
  const entry = readFileSync(join(root, 'var', 'lib', 'dpkg', 'status'), 'utf8')
    .split(/\n\n+/)
    .find((paragraph) => paragraph.split('\n').includes(`Package: ${DEB_PACKAGE_NAME}`));
  return entry === undefined ? undefined : /^Status: (.*)$/m.exec(entry)?.[1];
}

function dpkg(root: string, args: string[]): void {
  // Its log in the scratch root too: by default dpkg appends to this machine's /var/log/dpkg.log.
  execFileSync('dpkg', [`--root=${root}`, `--log=${join(root, 'dpkg.log')}`, '--force-not-root', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
