import { cancelWithJournal } from '../transmission/journaled-cancel.js';
import type { CommandHandler } from './context.js';

/** Cancels a whole acknowledged eAttest (reason A–G), journaled like a send. */
export const cancel: CommandHandler<'cancel'> = (params, context) =>
  cancelWithJournal(
    { config: context.config, stateDir: context.stateDir, log: context.log, ehealth: context.ehealth, certificateSsin: context.certificateSummary()?.ssin, via: 'browser' },
    params,
  );
