import { journalDay as sendsOfDay } from '../transmission/journal-day.js';
import type { CommandHandler } from './context.js';

/** The sends of one day of care, from the journal: the extension's history and reconciliation. */
export const journalDay: CommandHandler<'journalDay'> = (params, context) => ({ sends: sendsOfDay(context.stateDir, params.date, context.log) });
