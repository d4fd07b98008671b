import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { forgePbkdf2, nativePbkdf2, useNativePbkdf2 } from '../../native-host/src/certificate/native-pbkdf2.js';

/** The native PBKDF2 behind forge must give forge's own bytes, or the keystore would not open. */
describe('native PBKDF2 for node-forge', () => {
  const cases = [
    { password: 'test-password', salt: 'salt-1234', iterations: 2048, keyLength: 32, md: 'sha256' },
    { password: 'élève ßæ', salt: '\u0000\u00ff\u0010binary', iterations: 1000, keyLength: 24, md: 'sha1' },
    { password: '', salt: 'x', iterations: 1, keyLength: 64, md: 'sha512' },
    { password: 'p', salt: 'salt', iterations: 10, keyLength: 48, md: 'sha384' },
  ] as const;

  for (const { password, salt, iterations, keyLength, md } of cases) {
    it(`gives forge's bytes (${md}, ${String(iterations)} iterations, ${String(keyLength)} bytes)`, () => {
      const digest = forge.md[md].create();
      const expected = (forgePbkdf2 as (...args: unknown[]) => string)(password, salt, iterations, keyLength, digest);
      expect(nativePbkdf2(password, salt, iterations, keyLength, digest)).toBe(expected);
      useNativePbkdf2();
      expect(forge.pkcs5.pbkdf2(password, salt, iterations, keyLength, digest)).toBe(expected);
    });
  }

  it('leaves to forge what it cannot do the same way', () => {
    expect(nativePbkdf2('π', 'salt', 10, 16, forge.md.sha256.create())).toBeUndefined();
    expect(nativePbkdf2('p', 'salt', 10, 16, forge.md.md5.create())).toBeUndefined();
  });
});
