import type { Attestation, AttestationAct } from '../shared/domain/attestation.js';
import type { ConsultationProposal } from '../shared/domain/consultation.js';
import { normaliseSsin } from '../shared/domain/identifier-rules.js';
import { parseEuroToCents } from '../shared/domain/money-text.js';

/**
 * What the clinician edits before confirming: plain texts, as typed or as proposed by the EHR page.
 * Only `attestationFromDraft` turns it into an Attestation, and it refuses anything doubtful.
 */

export interface ActDraft {
  code: string;
  quantity: string;
  amountPaid: string;
  /** Read by the EHR's adapter and already validated there; carried into the attestation as they are. */
  details?: Pick<AttestationAct, 'tooth' | 'side' | 'prescriberNihii' | 'placeNihii'>;
}

export interface Draft {
  ssin: string;
  firstName: string;
  lastName: string;
  acts: ActDraft[];
  supplement: string;
}

export const emptyDraft = (): Draft => ({ ssin: '', firstName: '', lastName: '', acts: [{ code: '', quantity: '1', amountPaid: '' }], supplement: '' });

function formatCentsPlain(cents: number): string {
  return `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/** The proposal's values where they were read cleanly; a field with a problem starts empty, for the clinician to fill. */
export function draftFromProposal(proposal: ConsultationProposal): Draft {
  const text = (value: string | null) => value ?? '';
  const supplement = proposal.acts.reduce((sum, act) => sum + (act.supplement.value ?? 0), 0);
  return {
    ssin: text(proposal.patient.ssin.value),
    firstName: text(proposal.patient.firstName.value),
    lastName: text(proposal.patient.familyName.value),
    acts: proposal.acts.map((act) => ({
      code: text(act.code.value),
      quantity: act.quantity.value === null ? '' : String(act.quantity.value),
      amountPaid: act.amountPaid.value === null ? '' : formatCentsPlain(act.amountPaid.value),
      details: {
        ...(act.tooth.value !== null ? { tooth: act.tooth.value } : {}),
        ...(act.side.value !== null ? { side: act.side.value } : {}),
        ...(act.prescriber.value !== null ? { prescriberNihii: act.prescriber.value } : {}),
        ...(act.place.value !== null ? { placeNihii: act.place.value } : {}),
      },
    })),
    supplement: supplement > 0 ? formatCentsPlain(supplement) : '',
  };
}

/** Message keys of what is wrong with a draft, in the order the clinician reads the form. */
export type DraftProblem = 'draftSsin' | 'draftName' | 'draftNoAct' | 'draftCode' | 'draftQuantity' | 'draftAmount' | 'draftSupplement';

/** Async because the attestation schema (and zod) load on demand, not with the popup (see src/ui/background.ts). */
export async function attestationFromDraft(draft: Draft, today: string): Promise<{ attestation: Attestation } | { problems: DraftProblem[] }> {
  const problems = new Set<DraftProblem>();
  const ssin = normaliseSsin(draft.ssin);
  if (ssin === undefined) problems.add('draftSsin');
  if (draft.firstName.trim() === '' || draft.lastName.trim() === '') problems.add('draftName');
  const acts = draft.acts.filter((act) => act.code.trim() !== '' || act.amountPaid.trim() !== '');
  if (acts.length === 0) problems.add('draftNoAct');
  const parsedActs = acts.map((act) => {
    const code = act.code.trim();
    const quantity = Number(act.quantity.trim());
    const amount = parseEuroToCents(act.amountPaid);
    if (!/^\d{6}$/.test(code)) problems.add('draftCode');
    if (!/^\d{1,2}$/.test(act.quantity.trim()) || quantity < 1) problems.add('draftQuantity');
    if (amount === undefined || amount < 0) problems.add('draftAmount');
    return { code, quantity, serviceDate: today, amountPaidCents: amount ?? 0, ...act.details };
  });
  const supplement = draft.supplement.trim() === '' ? 0 : parseEuroToCents(draft.supplement);
  if (supplement === undefined || supplement < 0) problems.add('draftSupplement');
  if (problems.size > 0 || ssin === undefined) return { problems: [...problems] };
  const candidate = {
    patient: { ssin, firstName: draft.firstName.trim(), lastName: draft.lastName.trim() },
    careDate: today,
    patientPaidCents: parsedActs.reduce((sum, act) => sum + act.amountPaidCents, 0),
    ...(supplement !== undefined && supplement > 0 ? { supplementCents: supplement } : {}),
    acts: parsedActs,
  };
  const { attestationSchema } = await import('../shared/domain/attestation.js');
  const parsed = attestationSchema.safeParse(candidate);
  return parsed.success ? { attestation: parsed.data } : { problems: ['draftCode'] };
}
