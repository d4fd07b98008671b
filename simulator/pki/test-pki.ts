import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePki } from './generate.js';
import { freshPki, loadFreshPki, readPkiText, relocatePki, writePkiJson } from './store.js';
import type { TestPki } from './types.js';

/**
 * The test PKI of the MyCareNet simulator, the tests and the demo: a test eHealth CA, clinicians
 * with real-shaped eHealth keystores and ETKs, MyCareNet's and the STS's certificates and the
 * simulator's HTTPS certificate. Made with openssl and keytool only (independent of native-host/).
 */

export type { ClinicianIdentity, ClinicianMaterial, GuardPostIdentity, GuardPostMaterial, KeyMaterial, Profession, ServiceMaterial, TestPki } from './types.js';

/** `<repo root>/.pki` (git-ignored). */
export const defaultPkiDir: string = fileURLToPath(new URL('../../.pki', import.meta.url));

function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && codes.includes(error.code);
}

/**
 * A fresh sibling folder of `target` to stage or retire a PKI in. The PKI folder inside it keeps
 * the target's name, so git-ignore rules for `.pki/` cover it too.
 */
async function sibling(target: string, purpose: string): Promise<string> {
  return mkdtemp(join(dirname(target), `.${basename(target)}.${purpose}-`));
}

/**
 * Moves the PKI at `target` out of the way, unless it changed since it was judged unusable
 * (`seen`): then a concurrent caller has just installed a fresh one, which is put back.
 */
async function retire(target: string, seen: string | undefined): Promise<void> {
  const trash = await sibling(target, 'retired');
  try {
    const moved = join(trash, basename(target));
    try {
      await rename(target, moved);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return;
      throw error;
    }
    // Only complete folders are ever installed, so a pki.json other than the one judged unusable
    // means a concurrent caller's new PKI.
    const text = await readPkiText(moved);
    if (text !== undefined && text !== seen) {
      await rename(moved, target).catch((error: unknown) => {
        if (!isErrno(error, 'ENOTEMPTY', 'EEXIST')) throw error;
      });
    }
  } finally {
    await rm(trash, { recursive: true, force: true });
  }
}

/** Renames the finished `work` folder to `target`, or returns the PKI a concurrent caller installed first. */
async function install(work: string, target: string, pki: TestPki, force: boolean): Promise<TestPki> {
  let replaceAnyway = force;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      await rename(work, target);
      return pki;
    } catch (error) {
      if (!isErrno(error, 'ENOTEMPTY', 'EEXIST')) throw error;
    }
    // `target` exists: either a concurrent caller won the race (use its PKI) or it is stale.
    const text = await readPkiText(target);
    const winner = replaceAnyway ? undefined : await freshPki(target, text);
    if (winner) return winner;
    await retire(target, text);
    replaceAnyway = false; // the old folder is gone: what appears there now, a concurrent caller made
  }
  throw new Error(`could not install the test PKI into ${target}`);
}

/**
 * Returns the test PKI in `dir` (default `<repo root>/.pki`), generating it first when it is
 * missing, incomplete, about to expire (30 days) or when `force` is set. Generation happens in a
 * staging folder renamed into place when complete, so concurrent callers (vitest workers) never see
 * a half-made PKI; the loser of the race uses the winner's.
 */
export async function ensureTestPki(dir: string = defaultPkiDir, options: { force?: boolean } = {}): Promise<TestPki> {
  const target = resolve(dir);
  const force = options.force === true;
  if (!force) {
    const cached = await loadFreshPki(target);
    if (cached) return cached;
  }
  await mkdir(dirname(target), { recursive: true });
  const staging = await sibling(target, 'staging');
  try {
    const work = join(staging, basename(target));
    await mkdir(work, { mode: 0o700 });
    const pki = relocatePki(await generatePki(work), work, target);
    await writePkiJson(work, pki);
    return await install(work, target, pki, force);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
