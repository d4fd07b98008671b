import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { negotiateProtocol, rangeOf, updateAdvice, versionMismatchError } from '../../src/shared/protocol-handshake.js';

describe('protocol handshake', () => {
  it('agrees on the highest version both ranges hold', () => {
    expect(negotiateProtocol({ min: 2, max: 4 }, { min: 3, max: 5 })).toEqual({ agreed: 4 });
    expect(negotiateProtocol({ min: 2, max: 2 }, { min: 2, max: 2 })).toEqual({ agreed: 2 });
    expect(negotiateProtocol({ min: 1, max: 5 }, { min: 3, max: 3 })).toEqual({ agreed: 3 });
  });

  it('names the side whose range lies wholly below the other\'s as the one to update', () => {
    expect(negotiateProtocol({ min: 1, max: 1 }, { min: 2, max: 3 })).toEqual({ update: 'extension' });
    expect(negotiateProtocol({ min: 4, max: 5 }, { min: 2, max: 3 })).toEqual({ update: 'host' });
  });

  it('reads a protocol-1 hello (a single version) as a range of one', () => {
    expect(rangeOf({ protocolVersion: 1 })).toEqual({ min: 1, max: 1 });
    expect(rangeOf({ protocolVersion: 3, protocolRange: { min: 2, max: 3 } })).toEqual({ min: 2, max: 3 });
  });

  it('tells the update to the other side\'s version, and the page reads it back from the payload', () => {
    const extension = { version: '0.3.0', range: { min: 3, max: 3 } };
    const host = { version: '0.2.0', range: { min: 2, max: 2 } };
    const error = versionMismatchError('host', extension, host);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('HOST_VERSION_MISMATCH');
    expect(error.details).toMatchObject({ update: 'host', toVersion: '0.3.0', hostProtocolMax: 2, extensionProtocolMin: 3 });
    expect(updateAdvice(error.toPayload())).toEqual({ update: 'host', toVersion: '0.3.0' });
    expect(updateAdvice(versionMismatchError('extension', extension, host).toPayload())).toEqual({ update: 'extension', toVersion: '0.2.0' });
  });

  it('gives no advice from details it cannot vouch for: another code, another side, a version that is not one', () => {
    const payload = (details: Record<string, string>) => ({ code: 'HOST_VERSION_MISMATCH' as const, message: 'm', details });
    expect(updateAdvice({ code: 'HOST_CRASHED', message: 'm', details: { update: 'host', toVersion: '1.0.0' } })).toBeUndefined();
    expect(updateAdvice(payload({ update: 'browser', toVersion: '1.0.0' }))).toBeUndefined();
    expect(updateAdvice(payload({ update: 'host', toVersion: '<b>1.0</b>' }))).toBeUndefined();
    expect(updateAdvice(payload({ update: 'host', toVersion: 'unknown' }))).toBeUndefined();
    expect(updateAdvice({ code: 'HOST_VERSION_MISMATCH', message: 'm' })).toBeUndefined();
  });
});
