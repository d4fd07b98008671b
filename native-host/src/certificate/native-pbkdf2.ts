import { pbkdf2Sync } from 'node:crypto';
import forge from 'node-forge';

/**
 * node-forge derives PBKDF2 keys in JavaScript when it is given a digest object, which is how its
 * PKCS#12 reader calls it for modern (PBES2) keystores: ~160 ms per keystore here. Node's native
 * PBKDF2 computes the same bytes in about a millisecond. This routes forge's synchronous calls with
 * a digest Node knows to it, with forge's byte-string conventions, and leaves every other call to forge.
 */

type ForgePbkdf2 = typeof forge.pkcs5.pbkdf2;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;
const NATIVE_DIGESTS: ReadonlySet<string> = new Set(['sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/** What forge itself would compute (kept for the equality test). */
export const forgePbkdf2: ForgePbkdf2 = forge.pkcs5.pbkdf2;

function digestName(md: unknown): string | undefined {
  if (md === undefined || md === null) return 'sha1';
  if (typeof md === 'string') return md.toLowerCase();
  if (typeof md === 'object' && 'algorithm' in md && typeof md.algorithm === 'string') return md.algorithm.toLowerCase();
  return undefined;
}

export function nativePbkdf2(password: string, salt: string, iterations: number, keyLength: number, md?: unknown): string | undefined {
  const name = digestName(md);
  // forge treats its strings as bytes; outside Latin-1 its conventions are its own, so leave those to it.
  if (name === undefined || !NATIVE_DIGESTS.has(name) || BEYOND_LATIN1.test(password) || BEYOND_LATIN1.test(salt)) return undefined;
  return pbkdf2Sync(Buffer.from(password, 'latin1'), Buffer.from(salt, 'latin1'), iterations, keyLength, name).toString('latin1');
}

let installed = false;

export function useNativePbkdf2(): void {
  if (installed) return;
  installed = true;
  const routed = (password: string, salt: string, iterations: number, keyLength: number, md?: unknown, callback?: unknown): unknown => {
    if (typeof md === 'function' && callback === undefined) return (forgePbkdf2 as (...args: unknown[]) => unknown)(password, salt, iterations, keyLength, md);
    if (callback === undefined) {
      const derived = nativePbkdf2(password, salt, iterations, keyLength, md);
      if (derived !== undefined) return derived;
    }
    return (forgePbkdf2 as (...args: unknown[]) => unknown)(password, salt, iterations, keyLength, md, callback);
  };
  forge.pkcs5.pbkdf2 = routed as ForgePbkdf2;
}
