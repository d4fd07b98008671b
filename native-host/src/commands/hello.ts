import { AppError } from '../../../src/shared/errors.js';
import { HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../../src/shared/version.js';
import type { CommandHandler } from './context.js';
import { reportedJournalHead } from './journal-head.js';

/** The version handshake: the extension and the host must speak the same protocol version. */
export const hello: CommandHandler<'hello'> = (params, context) => {
  if (params.protocolVersion !== HOST_PROTOCOL_VERSION) {
    context.log.warn('protocol version mismatch', { extension: params.protocolVersion, host: HOST_PROTOCOL_VERSION });
    throw new AppError('HOST_VERSION_MISMATCH', 'the extension and the host speak different protocol versions', {
      hostVersion: PRODUCT_VERSION,
      hostProtocolVersion: HOST_PROTOCOL_VERSION,
      extensionVersion: params.extensionVersion,
      extensionProtocolVersion: params.protocolVersion,
    });
  }
  return { hostVersion: PRODUCT_VERSION, protocolVersion: HOST_PROTOCOL_VERSION, ...reportedJournalHead(context) };
};
