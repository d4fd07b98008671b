import { abandonSend, certificateHolderOf } from '../transmission/abandon.js';
import type { CommandHandler } from './context.js';

/** Gives up a send whose outcome stayed unknown, after the clinician checked with the insurer (see transmission/abandon.ts). */
export const abandon: CommandHandler<'abandon'> = (params, context) =>
  abandonSend({ stateDir: context.stateDir, log: context.log, certificateHolder: certificateHolderOf(context.certificateSummary()), via: 'browser' }, params);
