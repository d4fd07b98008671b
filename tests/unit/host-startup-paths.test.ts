import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it, vi } from 'vitest';
import type { CommandContext, CommandTable } from '../../native-host/src/commands/context.js';
import { lazyCommandHandlers } from '../../native-host/src/commands/lazy.js';
import { OID } from '../../native-host/src/ehealth/seal/oids.js';
import { decryptKey, pkcs1v15Message } from '../../native-host/src/ehealth/seal/key-transport.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import { HOST_PROTOCOL_RANGE, HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';

/**
 * The performance work of issue 7 that changes behaviour-bearing code: RSAES-PKCS1-v1_5 key
 * transport decrypted with a raw RSA operation and our own unpadding (implicit rejection on any
 * malformed block), and the host's lazily loaded command table.
 */

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaEncryption = new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() });

/** 0x00 0x02 PS 0x00 M for a 256-byte modulus, with PS of non-zero bytes. */
function encodedBlock(message: Uint8Array, options: { first?: number; second?: number; zeroInPadding?: boolean; separator?: number } = {}): Uint8Array {
  const block = new Uint8Array(256);
  block[0] = options.first ?? 0;
  block[1] = options.second ?? 2;
  const separatorAt = 256 - message.length - 1;
  for (let index = 2; index < separatorAt; index += 1) block[index] = 1 + (index % 255);
  if (options.zeroInPadding === true) block[5] = 0;
  block[separatorAt] = options.separator ?? 0;
  block.set(message, separatorAt + 1);
  return block;
}

describe('RSAES-PKCS1-v1_5 key transport without node-forge', () => {
  it('recovers a content key that OpenSSL encrypted', () => {
    const contentKey = randomBytes(16);
    const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, contentKey);
    expect(Buffer.from(decryptKey(rsaEncryption, encrypted, privateKey, 16))).toEqual(contentKey);
  });

  it('gives a random key, never an error, for a key of another length or another key pair', () => {
    const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(24));
    const wrongLength = decryptKey(rsaEncryption, encrypted, privateKey, 16);
    expect(wrongLength).toHaveLength(16);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = randomBytes(16);
    const forOther = publicEncrypt({ key: other.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
    const recovered = decryptKey(rsaEncryption, forOther, privateKey, 16);
    expect(recovered).toHaveLength(16);
    expect(Buffer.from(recovered)).not.toEqual(key);
  });

  it('accepts exactly the well-formed block and falls back on every malformed one', () => {
    const message = Uint8Array.from({ length: 16 }, (_, index) => index + 100);
    const fallback = new Uint8Array(16).fill(7);
    expect(pkcs1v15Message(encodedBlock(message), 16, fallback)).toEqual(message);
    for (const broken of [
      encodedBlock(message, { first: 1 }),
      encodedBlock(message, { second: 1 }),
      encodedBlock(message, { zeroInPadding: true }),
      encodedBlock(message, { separator: 9 }),
    ]) {
      expect(pkcs1v15Message(broken, 16, fallback)).toEqual(fallback);
    }
    // Padding shorter than 8 bytes: the message would take almost the whole block.
    expect(pkcs1v15Message(encodedBlock(new Uint8Array(250).fill(3)), 250, new Uint8Array(250))).toEqual(new Uint8Array(250));
  });
});

describe('the lazily loaded command table', () => {
  const context = {
    config: hostConfigSchema.parse({}),
    stateDir: '/nonexistent',
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    caller: { browserFamily: 'chromium', extensionId: 'kpghmhnplncbdjmflbikfegpgigphlfp' },
    startedAt: Date.now(),
    certificateSummary: () => null,
  } as unknown as CommandContext;

  it('answers the handshake and status without loading the command modules, then loads them once', async () => {
    const warm = vi.fn(() => ({ warmed: false, elapsedMs: 0 }));
    const load = vi.fn(() => Promise.resolve({ warm } as unknown as CommandTable));
    const table = lazyCommandHandlers(load);
    expect(await table.hello({ protocolVersion: HOST_PROTOCOL_VERSION, extensionVersion: PRODUCT_VERSION }, context)).toEqual({
      hostVersion: PRODUCT_VERSION,
      protocolVersion: HOST_PROTOCOL_VERSION,
      protocolRange: HOST_PROTOCOL_RANGE,
      // No journal yet: the empty head, anchored.
      journalHead: { seq: 0, hash: '0'.repeat(64), anchor: 'matches' },
    });
    expect(await table.status({}, context)).toMatchObject({ hostVersion: PRODUCT_VERSION, environment: 'simulator', certificate: null });
    expect(load).not.toHaveBeenCalled();
    await table.warm({}, context);
    await table.warm({}, context);
    expect(load).toHaveBeenCalledTimes(1);
    expect(warm).toHaveBeenCalledTimes(2);
  });

  it('tries the load again after it failed', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('disk hiccup')).mockResolvedValue({ journalDay: () => ({ sends: [] }) });
    const table = lazyCommandHandlers(load as () => Promise<CommandTable>);
    await expect(table.journalDay({ date: '2026-11-30' }, context)).rejects.toThrow('disk hiccup');
    expect(await table.journalDay({ date: '2026-11-30' }, context)).toEqual({ sends: [] });
  });
});
