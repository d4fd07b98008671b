import { AppError, type ErrorDetails, type ErrorPayload } from './app-error.js';

/** The protocol versions one side speaks, both ends included. */
export interface ProtocolRange {
  min: number;
  max: number;
}

/** Which side the clinician must update when the two ranges do not overlap. */
export type UpdateSide = 'extension' | 'host';

export type Negotiation = { agreed: number } | { update: UpdateSide };

/**
 * The version a pair speaks: the highest both know. Without one, the side whose range lies wholly
 * below the other's is the one to update.
 */
export function negotiateProtocol(extension: ProtocolRange, host: ProtocolRange): Negotiation {
  const agreed = Math.min(extension.max, host.max);
  if (agreed >= Math.max(extension.min, host.min)) return { agreed };
  return { update: extension.max < host.min ? 'extension' : 'host' };
}

/** Today's `hello` (protocol 1) names a single version; it stands for a range of one. */
export function rangeOf(hello: { protocolVersion: number; protocolRange?: ProtocolRange | undefined }): ProtocolRange {
  return hello.protocolRange ?? { min: hello.protocolVersion, max: hello.protocolVersion };
}

export interface HandshakeParty {
  version: string;
  range: ProtocolRange;
}

/**
 * The error an incompatible pair gives: `update` and `toVersion` say what the clinician must update
 * and to which version (the other side's), the rest is for support.
 */
export function versionMismatchError(update: UpdateSide, extension: HandshakeParty, host: HandshakeParty): AppError {
  const toVersion = update === 'extension' ? host.version : extension.version;
  const details: ErrorDetails = {
    update,
    toVersion,
    extensionVersion: extension.version,
    extensionProtocolMin: extension.range.min,
    extensionProtocolMax: extension.range.max,
    hostVersion: host.version,
    hostProtocolMin: host.range.min,
    hostProtocolMax: host.range.max,
  };
  return new AppError('HOST_VERSION_MISMATCH', `the ${update} is too old for the other side: update it to version ${toVersion} or later`, details);
}

/** What a version-mismatch error tells the clinician to update, when its details say it (read without zod: pages load this). */
export function updateAdvice(error: ErrorPayload): { update: UpdateSide; toVersion: string } | undefined {
  if (error.code !== 'HOST_VERSION_MISMATCH') return undefined;
  const update = error.details?.['update'];
  const toVersion = error.details?.['toVersion'];
  if ((update !== 'extension' && update !== 'host') || typeof toVersion !== 'string' || !/^\d{1,6}(\.\d{1,6}){0,3}$/.test(toVersion)) return undefined;
  return { update, toVersion };
}
