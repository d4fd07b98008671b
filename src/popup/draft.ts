import type { AttestationProblem } from '../shared/domain/attestation-checks.js';
import type { Attestation, AttestationAct, IdentityReading, Performer } from '../shared/domain/attestation.js';
import { ID_DOC_MEDIA_WITH_SERIAL } from '../shared/domain/attestation-rules.js';
import type { ActFieldKey, ConsultationProposal } from '../shared/domain/consultation.js';
import { normaliseSsin } from '../shared/domain/identifier-rules.js';
import { parseEuroToCents } from '../shared/domain/money-text.js';
import type { Profession } from '../shared/domain/profession.js';

/**
 * What the clinician edits before confirming: plain texts, as typed or as proposed by the EHR page.
 * Only `attestationFromDraft` turns it into an Attestation, and it refuses anything doubtful.
 */

export interface ActDraft {
  code: string;
  quantity: string;
  amountPaid: string;
  /** The proposal's act this row came from: a problem of its details is shown next to that act's field. */
  proposalIndex?: number;
  /** Read by the EHR's adapter and already validated there; carried into the attestation as they are. */
  details?: Pick<AttestationAct, 'tooth' | 'side' | 'prescriberNihii' | 'prescriptionDate' | 'placeNihii' | 'placeType' | 'placeServiceCode' | 'supplementCents'>;
}

export interface Draft {
  ssin: string;
  firstName: string;
  lastName: string;
  acts: ActDraft[];
  supplement: string;
  /** How the patient's eID was read (from the page or typed in the proposal); `incomplete` when partly given. */
  identityReading?: IdentityReading | 'incomplete';
  /** At a guard post, the physician on duty (from the page or typed in the proposal); `incomplete` when partly given. */
  performer?: Performer | 'incomplete';
}

export const emptyDraft = (): Draft => ({ ssin: '', firstName: '', lastName: '', acts: [{ code: '', quantity: '1', amountPaid: '' }], supplement: '' });

function formatCentsPlain(cents: number): string {
  return `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/** The eID reading of the proposal: whole, absent (nothing given), or incomplete. */
function identityReadingOf(proposal: ConsultationProposal): IdentityReading | 'incomplete' | undefined {
  const { eidReadAt, eidInputType, eidMediaType, eidCardNumber } = proposal.consultation;
  const fields = [eidReadAt, eidInputType, eidMediaType, eidCardNumber];
  if (fields.every((field) => (field.raw?.trim() ?? '') === '')) return undefined;
  if (fields.some((field) => field.problem !== null) || eidReadAt.value === null || eidInputType.value === null || eidMediaType.value === null) return 'incomplete';
  if (ID_DOC_MEDIA_WITH_SERIAL.has(eidMediaType.value) !== (eidCardNumber.value !== null)) return 'incomplete';
  return {
    inputType: eidInputType.value,
    mediaType: eidMediaType.value,
    date: proposal.today,
    time: eidReadAt.value,
    ...(eidCardNumber.value !== null ? { serialNumber: eidCardNumber.value } : {}),
  };
}

/** The physician on duty of the proposal: whole, absent (nothing given), or incomplete. */
function performerOf(proposal: ConsultationProposal): Performer | 'incomplete' | undefined {
  const { performerNihii, performerSsin, performerFirstName, performerLastName } = proposal.consultation;
  const fields = [performerNihii, performerSsin, performerFirstName, performerLastName];
  if (fields.every((field) => (field.raw?.trim() ?? '') === '')) return undefined;
  if (performerNihii.value === null || performerSsin.value === null || performerFirstName.value === null || performerLastName.value === null) return 'incomplete';
  return { nihii11: performerNihii.value, ssin: performerSsin.value, firstName: performerFirstName.value, lastName: performerLastName.value };
}

/** The proposal's values where they were read cleanly; a field with a problem starts empty, for the clinician to fill. */
export function draftFromProposal(proposal: ConsultationProposal): Draft {
  const text = (value: string | null) => value ?? '';
  const supplement = proposal.acts.reduce((sum, act) => sum + (act.supplement.value ?? 0), 0);
  const identityReading = identityReadingOf(proposal);
  const performer = performerOf(proposal);
  return {
    ...(identityReading !== undefined ? { identityReading } : {}),
    ...(performer !== undefined ? { performer } : {}),
    ssin: text(proposal.patient.ssin.value),
    firstName: text(proposal.patient.firstName.value),
    lastName: text(proposal.patient.familyName.value),
    acts: proposal.acts.map((act, proposalIndex) => ({
      proposalIndex,
      code: text(act.code.value),
      quantity: act.quantity.value === null ? '' : String(act.quantity.value),
      amountPaid: act.amountPaid.value === null ? '' : formatCentsPlain(act.amountPaid.value),
      details: {
        ...(act.tooth.value !== null ? { tooth: act.tooth.value } : {}),
        ...(act.side.value !== null ? { side: act.side.value } : {}),
        ...(act.prescriber.value !== null ? { prescriberNihii: act.prescriber.value } : {}),
        ...(act.prescriptionDate.value !== null ? { prescriptionDate: act.prescriptionDate.value } : {}),
        ...(act.place.value !== null ? { placeNihii: act.place.value } : {}),
        ...(act.placeType.value !== null ? { placeType: act.placeType.value } : {}),
        ...(act.placeService.value !== null ? { placeServiceCode: act.placeService.value } : {}),
        // Each act keeps its own supplement (cgd "supplement"); the total is their sum.
        ...(act.supplement.value !== null && act.supplement.value > 0 ? { supplementCents: act.supplement.value } : {}),
      },
    })),
    supplement: supplement > 0 ? formatCentsPlain(supplement) : '',
  };
}

/** Message keys of what is wrong with a draft, in the order the clinician reads the form. */
export type DraftProblem = 'draftSsin' | 'draftName' | 'draftNoAct' | 'draftCode' | 'draftQuantity' | 'draftAmount' | 'draftSupplement' | 'draftActDetails';

/** The proposal's field for an attestation's field: where the clinician corrects what a check found. */
const PROPOSAL_ACT_FIELD: Readonly<Record<string, ActFieldKey>> = {
  amountPaidCents: 'amountPaid',
  supplementCents: 'supplement',
  tooth: 'tooth',
  side: 'side',
  prescriberNihii: 'prescriber',
  prescriptionDate: 'prescriptionDate',
  placeNihii: 'place',
  placeType: 'placeType',
  placeServiceCode: 'placeService',
};
const PROPOSAL_READING_FIELD: Readonly<Record<string, string>> = { serialNumber: 'eidCardNumber' };

/**
 * The checks' problems by the proposal field they concern (`act.0.placeService`, `consultation.eidCardNumber`),
 * for the fields of the consultation read from the page; a problem without such a field is listed above Send only.
 */
export function proposalFieldChecks(checks: readonly AttestationProblem[], proposalIndexes: readonly (number | undefined)[]): Map<string, AttestationProblem> {
  const byField = new Map<string, AttestationProblem>();
  for (const check of checks) {
    const [part, index, field] = check.path;
    let name: string | undefined;
    if (part === 'acts' && typeof index === 'number' && typeof field === 'string') {
      const proposalIndex = proposalIndexes[index];
      const proposalField = PROPOSAL_ACT_FIELD[field];
      if (proposalIndex !== undefined && proposalField !== undefined) name = `act.${proposalIndex}.${proposalField}`;
    } else if (part === 'performer') {
      // The physician on duty is missing or not to be named: shown at the first of their fields.
      name = 'consultation.performerNihii';
    } else if (part === 'identityReading' && typeof index === 'string') {
      const proposalField = PROPOSAL_READING_FIELD[index];
      if (proposalField !== undefined) name = `consultation.${proposalField}`;
    }
    if (name !== undefined && !byField.has(name)) byField.set(name, check);
  }
  return byField;
}

/**
 * What the draft gives: the attestation to confirm; or the fields the clinician must fill first
 * (`problems`); or an attestation the insurers would refuse (`checks`: their rules that can be judged
 * here, attestation-checks.ts), shown as it would be sent, with what to fix, and not sendable.
 */
export type DraftResult =
  | { attestation: Attestation }
  | { problems: DraftProblem[] }
  /** `proposalIndexes`: for each act of the candidate, the proposal's act it came from (if any). */
  | { candidate: Attestation; checks: AttestationProblem[]; proposalIndexes: (number | undefined)[] };

/** Async because the attestation schema (and zod) load on demand, not with the popup (see src/ui/background.ts). */
export async function attestationFromDraft(draft: Draft, today: string, profession?: Profession): Promise<DraftResult> {
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
  if (draft.identityReading === 'incomplete' || draft.performer === 'incomplete') problems.add('draftActDetails');
  if (problems.size > 0 || ssin === undefined) return { problems: [...problems] };
  // The acts' own supplements stand while they add up to the total; a total the clinician changed wins.
  const perAct = parsedActs.reduce((sum, act) => sum + (act.supplementCents ?? 0), 0);
  const withSupplements = perAct === supplement ? parsedActs : parsedActs.map(withoutSupplement);
  const candidate: Attestation = {
    patient: { ssin, firstName: draft.firstName.trim(), lastName: draft.lastName.trim() },
    careDate: today,
    patientPaidCents: parsedActs.reduce((sum, act) => sum + act.amountPaidCents, 0),
    ...(supplement !== undefined && supplement > 0 ? { supplementCents: supplement } : {}),
    ...(draft.identityReading !== undefined && draft.identityReading !== 'incomplete' ? { identityReading: { ...draft.identityReading, date: today } } : {}),
    ...(draft.performer !== undefined && draft.performer !== 'incomplete' ? { performer: draft.performer } : {}),
    acts: withSupplements,
  };
  // The insurers' rules first: they say what to fix in the clinician's words, where the schema would only say "no".
  // Loaded on demand with the schema (which is built on them), not with the popup's first paint.
  const [{ attestationProblems }, { attestationSchema }] = await Promise.all([import('../shared/domain/attestation-checks.js'), import('../shared/domain/attestation.js')]);
  const checks = attestationProblems(candidate, { today, profession });
  if (checks.length > 0) return { candidate, checks, proposalIndexes: acts.map((act) => act.proposalIndex) };
  const parsed = attestationSchema.safeParse(candidate);
  if (parsed.success) return { attestation: parsed.data };
  // A detail the schema refuses beyond the checks (a malformed number from the page): the proposal must complete it.
  const aboutDetails = parsed.error.issues.some((issue) => issue.path.some((key) => typeof key === 'string' && DETAIL_KEYS.has(key)));
  return { problems: [aboutDetails ? 'draftActDetails' : 'draftCode'] };
}

function withoutSupplement<T extends object>(act: T): T {
  return Object.fromEntries(Object.entries(act).filter(([key]) => key !== 'supplementCents')) as T;
}

const DETAIL_KEYS: ReadonlySet<string> = new Set(['performer', 'prescriberNihii', 'prescriptionDate', 'prescriberNorm', 'placeNihii', 'placeType', 'placeServiceCode', 'identityReading', 'supplementCents']);
