import { attestWithJournal } from '../mycarenet/eattest/journaled-send.js';
import type { CommandHandler } from './context.js';

/** Sends one attestation as an eAttest v3, idempotently through the journal (see mycarenet/eattest/journaled-send.ts). */
export const attest: CommandHandler<'attest'> = (params, context) =>
  attestWithJournal(
    { config: context.config, stateDir: context.stateDir, log: context.log, ehealth: context.ehealth, certificateSsin: context.certificateSummary()?.ssin, via: 'browser' },
    params.attestation,
    { jsis: params.jsis },
  );
