import type { MemberSubject } from '../../../src/shared/domain/insurability.js';
import { toErrorPayload } from '../../../src/shared/errors.js';
import type { HostConfig } from '../config.js';
import type { EhealthServices } from '../ehealth/services.js';
import { currentExecutor, type Executor, type RecordOfKind } from '../journal/entry.js';
import { Journal } from '../journal/journal.js';
import type { Logger } from '../log.js';
import { careProviderOf, ownEtkOf, providerDisplayName } from '../mycarenet/commons/care-provider.js';
import { disturbance, SLOW_ANSWER_MS } from './observed-call.js';

export interface ConsultationContext {
  stateDir: string;
  config: HostConfig;
  ehealth: EhealthServices;
  log: Logger;
  /** The certificate holder (a mandatary may differ from the provider the token names). */
  certificateSsin: string | undefined;
  via: Executor['via'];
}

type Subject = RecordOfKind<'consultation'>['subject'];

/**
 * Runs one consultation of MyCareNet and writes it to the journal, answered or failed, with who
 * was responsible, who executed it, when and how long it took (PROTOCOL rule 1). The journal line
 * is written after the call; a journal that cannot be written fails the consultation, as an
 * unlogged transmission must not pass silently.
 */
export async function journaledConsultation<T>(
  context: ConsultationContext,
  what: { subject: Subject; patient: MemberSubject; careDate: string; codes?: readonly string[] },
  consult: () => Promise<T>,
): Promise<T> {
  const token = await (await context.ehealth.sts()).token();
  const provider = careProviderOf(token);
  const started = Date.now();
  let outcome: { outcome: 'answered' } | { outcome: 'failed'; errorCode: string };
  let settled: { ok: true; result: T } | { ok: false; error: unknown };
  try {
    settled = { ok: true, result: await consult() };
    outcome = { outcome: 'answered' };
  } catch (error) {
    settled = { ok: false, error };
    outcome = { outcome: 'failed', errorCode: toErrorPayload(error).code };
  }
  const latencyMs = Date.now() - started;
  await new Journal({ stateDir: context.stateDir, logger: context.log }).append({
    kind: 'consultation',
    subject: what.subject,
    environment: context.config.environment,
    responsible: { nihii11: provider.nihii11, ...(provider.ssin !== undefined ? { ssin: provider.ssin } : {}), name: providerDisplayName(provider).slice(0, 200) },
    executor: currentExecutor(context.certificateSsin !== undefined ? { type: 'SSIN', value: context.certificateSsin } : ownEtkOf(provider), context.via),
    ...('ssin' in what.patient ? { patientSsin: what.patient.ssin } : { patientMember: { ...what.patient } }),
    careDate: what.careDate,
    ...(what.codes !== undefined ? { codes: [...what.codes] } : {}),
    ...outcome,
    latencyMs,
    disturbances: latencyMs > SLOW_ANSWER_MS ? [disturbance('latency', `answered after ${latencyMs} ms`, latencyMs)] : [],
  });
  if (!settled.ok) throw settled.error;
  return settled.result;
}
