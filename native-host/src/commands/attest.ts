import { attestWithJournal } from '../transmission/journaled-send.js';
import type { CommandHandler } from './context.js';

/** Sends one attestation as an eAttest v3, idempotently through the journal (see transmission/journaled-send.ts). */
export const attest: CommandHandler<'attest'> = (params, context) =>
  attestWithJournal(
    { config: context.config, stateDir: context.stateDir, log: context.log, ehealth: context.ehealth, certificateSsin: context.certificateSummary()?.ssin, via: 'browser' },
    params.attestation,
    { jsis: params.jsis, journalAnchor: params.journalAnchor },
  );
