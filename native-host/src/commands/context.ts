import type { CertificateSummary, HostCommandName, HostParams, HostResult } from '../../../src/shared/host-protocol.js';
import type { Caller } from '../caller.js';
import type { EhealthServices } from '../ehealth/services.js';
import type { HostConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { ConsultationContext } from '../transmission/journaled-consultation.js';

/** What every command handler may use. Secrets never appear here: handlers ask custody for operations. */
export interface CommandContext {
  readonly config: HostConfig;
  readonly stateDir: string;
  readonly log: Logger;
  readonly caller: Caller;
  readonly startedAt: number;
  /** Summary of the clinician's certificate, or null while none is installed. */
  certificateSummary(): CertificateSummary | null;
  /** The eHealth services (STS session, ETK depot, transport), created on first use. */
  readonly ehealth: EhealthServices;
}

export type CommandHandler<C extends HostCommandName> = (
  params: HostParams<C>,
  context: CommandContext,
) => HostResult<C> | Promise<HostResult<C>>;

/** One handler per command of the shared protocol; the compiler refuses a table that misses one. */
export type CommandTable = { readonly [C in HostCommandName]: CommandHandler<C> };

/** What a journaled consultation needs from a browser session's context. */
export function consultationContext(context: CommandContext): ConsultationContext {
  return { stateDir: context.stateDir, config: context.config, ehealth: context.ehealth, log: context.log, certificateSsin: context.certificateSummary()?.ssin, via: 'browser' };
}
