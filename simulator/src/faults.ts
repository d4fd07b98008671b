import { z } from 'zod';
import { FAULTS } from './soap-fault.js';

/** Faults injected per request, through configuration or the control endpoint. */

export const SERVICES = ['sts', 'etk', 'memberdata', 'tarification', 'eattest'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const faultRuleSchema = z.strictObject({
  service: z.enum([...SERVICES, '*']),
  /**
   * eAttest only: dropAfterAccept / hangAfterAccept store the attestation, then cut the connection
   * or answer only after latencyMs (default 120 s); clockAheadOneDay judges with tomorrow as today;
   * cancelOutOfTime / cancelBusy refuse a valid cancellation with 239 / 241; the answer-signature
   * faults (eattest/answer-signers.ts) sign the answer, send or cancel, with a MyCareNet-like
   * certificate of an unknown CA (answerSignerUnknownCa), time-stamp it by an unknown TSA
   * (answerTimeStampUnknownTsa), sign it with a clinician's certificate (answerSignerClinician), or
   * alter the answer after signing it (answerAltered). STS only: stsSignerClinician signs the token
   * with a clinician's certificate of the test CA instead of the STS's (the host pins the STS's).
   */
  kind: z.enum([
    'latency', 'timeout', 'http5xx', 'reset', 'soapFault', 'garbledSeal', 'dropAfterAccept', 'hangAfterAccept', 'clockAheadOneDay', 'cancelOutOfTime', 'cancelBusy',
    'answerSignerUnknownCa', 'answerTimeStampUnknownTsa', 'answerSignerClinician', 'answerAltered',
    'stsSignerClinician',
  ]),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  status: z.number().int().min(500).max(599).optional(),
  soaFault: z.enum(Object.keys(FAULTS) as [keyof typeof FAULTS, ...(keyof typeof FAULTS)[]]).optional(),
  /** How many requests the rule applies to; unlimited when absent. */
  count: z.number().int().positive().optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;
export const faultRulesSchema = z.array(faultRuleSchema).max(50);

export class FaultPlan {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  constructor(rules: readonly FaultRule[] = []) {
    this.replace(rules);
  }

  replace(rules: readonly FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY }));
  }

  /** The fault for this request, consuming one use of its rule. */
  take(service: ServiceName): FaultRule | undefined {
    const entry = this.rules.find((candidate) => candidate.remaining > 0 && (candidate.rule.service === '*' || candidate.rule.service === service));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    return entry.rule;
  }
}
