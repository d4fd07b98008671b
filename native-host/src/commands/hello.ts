import { negotiateProtocol, rangeOf, versionMismatchError } from '../../../src/shared/protocol-handshake.js';
import { HOST_PROTOCOL_RANGE, PRODUCT_VERSION } from '../../../src/shared/version.js';
import type { CommandHandler } from './context.js';
import { reportedJournalHead } from './journal-head.js';

/** The version handshake: the pair speaks the highest protocol version both know, or the error names the side to update. */
export const hello: CommandHandler<'hello'> = (params, context) => {
  const extensionRange = rangeOf(params);
  const negotiation = negotiateProtocol(extensionRange, HOST_PROTOCOL_RANGE);
  if ('update' in negotiation) {
    context.log.warn('protocol version mismatch', { extension: `${extensionRange.min}-${extensionRange.max}`, host: `${HOST_PROTOCOL_RANGE.min}-${HOST_PROTOCOL_RANGE.max}`, update: negotiation.update });
    throw versionMismatchError(negotiation.update, { version: params.extensionVersion, range: extensionRange }, { version: PRODUCT_VERSION, range: HOST_PROTOCOL_RANGE });
  }
  return { hostVersion: PRODUCT_VERSION, protocolVersion: negotiation.agreed, protocolRange: { ...HOST_PROTOCOL_RANGE }, ...reportedJournalHead(context) };
};
