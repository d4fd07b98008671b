import type { JournalHeadReport } from '../../../src/shared/host-protocol.js';
import { journalHeadReport } from '../journal/journal.js';
import type { CommandContext } from './context.js';

/** The journal's head for `hello` and `status`: a journal folder the host cannot read leaves it out, never the answer. */
export function reportedJournalHead(context: CommandContext): { journalHead?: JournalHeadReport } {
  try {
    return { journalHead: journalHeadReport(context.stateDir) };
  } catch (error) {
    context.log.warn('cannot read the journal head', { cause: error instanceof Error && 'code' in error ? String(error.code) : 'error' });
    return {};
  }
}
