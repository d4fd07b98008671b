import { HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../../src/shared/version.js';
import type { CommandHandler } from './context.js';
import { reportedJournalHead } from './journal-head.js';

export const status: CommandHandler<'status'> = (_params, context) => ({
  hostVersion: PRODUCT_VERSION,
  protocolVersion: HOST_PROTOCOL_VERSION,
  environment: context.config.environment,
  certificate: context.certificateSummary(),
  uptimeMs: Math.max(0, Math.round(Date.now() - context.startedAt)),
  profession: context.config.profession,
  ...reportedJournalHead(context),
});
