import { MAX_FIELD_TEXT } from '../adapters/transforms.js';
import { FDI_TOOTH, HOSPITAL_SERVICE_CODE, ID_DOC_INPUT_TYPE, ID_DOC_MEDIA_TYPES, ID_DOC_SERIAL, PLACE_TYPES, type IdDocMediaType, type PlaceType } from './attestation-rules.js';
import type { ActFieldKey, ActProposal, ActReading, ConsultationProposal, ConsultationReading, Field, FieldProblem } from './consultation.js';
import { normaliseSsin } from './identifier-rules.js';
import { parseEuroToCents } from './money-text.js';

/**
 * How a consultation proposal's fields are judged from the text an adapter read, and corrected by the
 * clinician. No zod here: the popup corrects fields with this module and loads the schemas only when
 * it parses a message (src/shared/domain/consultation.ts re-exports it for everyone else).
 */

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

type Parsed<T> = { value: T } | { problem: FieldProblem };

/** How each kind of field is parsed; `required` says whether an empty one is a problem. */
const parsers = {
  ssin: (text: string): Parsed<string> => {
    const ssin = normaliseSsin(text);
    return ssin === undefined ? { problem: 'ssinInvalid' } : { value: ssin };
  },
  name: (text: string): Parsed<string> => (/\p{L}/u.test(text) ? { value: text } : { problem: 'nameInvalid' }),
  text: (text: string): Parsed<string> => ({ value: text }),
  birthDate: (text: string, today: string): Parsed<string> => {
    if (!isCalendarDate(text)) return { problem: 'dateInvalid' };
    return text > today ? { problem: 'dateInFuture' } : { value: text };
  },
  consultationDate: (text: string, today: string): Parsed<string> => {
    if (!isCalendarDate(text)) return { problem: 'dateInvalid' };
    // eAttest is for today's care only (PROTOCOL §8.5, errors 146 and 191).
    return text === today ? { value: text } : { problem: 'dateNotToday' };
  },
  code: (text: string): Parsed<string> => (/^\d{6}$/.test(text) ? { value: text } : { problem: 'codeInvalid' }),
  quantity: (text: string): Parsed<number> => (/^\d{1,2}$/.test(text) && Number(text) >= 1 ? { value: Number(text) } : { problem: 'quantityInvalid' }),
  amount: (text: string): Parsed<number> => {
    const cents = parseEuroToCents(text);
    return cents === undefined || cents < 0 ? { problem: 'amountInvalid' } : { value: cents };
  },
  tooth: (text: string): Parsed<string> => (FDI_TOOTH.test(text) ? { value: text } : { problem: 'toothInvalid' }),
  /** The adapter maps the EHR's words ("G", "links"…) to left/right. */
  side: (text: string): Parsed<'left' | 'right'> => (text === 'left' || text === 'right' ? { value: text } : { problem: 'sideInvalid' }),
  place: (text: string): Parsed<string> => {
    const digits = text.replace(/[\s.\-/]/g, '');
    return /^\d{8}(\d{3})?$/.test(digits) ? { value: digits } : { problem: 'nihiiInvalid' };
  },
  nihii: (text: string): Parsed<string> => {
    const digits = text.replace(/[\s.\-/]/g, '');
    return /^\d{11}$/.test(digits) ? { value: digits } : { problem: 'nihiiInvalid' };
  },
  /** A prescription: a real date, not after today. */
  pastDate: (text: string, today: string): Parsed<string> => {
    if (!isCalendarDate(text)) return { problem: 'dateInvalid' };
    return text > today ? { problem: 'dateInFuture' } : { value: text };
  },
  /** The adapter (or the clinician) names the kind of place in our words: hospital, laboratory… */
  placeType: (text: string): Parsed<PlaceType> => {
    const kind = PLACE_TYPES.find((type) => type === text.toLowerCase());
    return kind === undefined ? { problem: 'choiceInvalid' } : { value: kind };
  },
  serviceCode: (text: string): Parsed<string> => (HOSPITAL_SERVICE_CODE.test(text) ? { value: text } : { problem: 'codeInvalid' }),
  /** HH:MM or HH:MM:SS, kept as HH:MM:SS. */
  time: (text: string): Parsed<string> => {
    const match = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(text);
    return match === null ? { problem: 'timeInvalid' } : { value: `${match[1] ?? ''}:${match[2] ?? ''}:${match[3] ?? '00'}` };
  },
  idInputType: (text: string): Parsed<string> => (ID_DOC_INPUT_TYPE.test(text) ? { value: text } : { problem: 'choiceInvalid' }),
  idMediaType: (text: string): Parsed<IdDocMediaType> => {
    const media = ID_DOC_MEDIA_TYPES.find((type) => type === text.toUpperCase());
    return media === undefined ? { problem: 'choiceInvalid' } : { value: media };
  },
  cardNumber: (text: string): Parsed<string> => {
    const compact = text.replace(/[\s.]/g, '');
    return ID_DOC_SERIAL.test(compact) ? { value: compact } : { problem: 'textInvalid' };
  },
} as const;
export type FieldKind = keyof typeof parsers;
type ValueOf<K extends FieldKind> = ReturnType<(typeof parsers)[K]> extends Parsed<infer T> ? T : never;

/** One field from its text: empty is `missing` when required, else simply absent. */
export function assessField<K extends FieldKind>(kind: K, raw: string | null, required: boolean, today: string, corrected = false): Field<ValueOf<K>> {
  const text = raw?.trim() ?? '';
  if (text === '') return { raw, value: null, problem: required ? 'missing' : null, corrected };
  if (text.length > MAX_FIELD_TEXT) return { raw: text.slice(0, MAX_FIELD_TEXT), value: null, problem: 'textInvalid', corrected };
  const parsed = (parsers[kind] as (text: string, today: string) => Parsed<ValueOf<K>>)(text, today);
  return 'value' in parsed ? { raw, value: parsed.value, problem: null, corrected } : { raw, value: null, problem: parsed.problem, corrected };
}

/** Which kind each field is and whether it is required: one table for reading and for corrections. */
export const PATIENT_FIELDS = {
  ssin: { kind: 'ssin', required: true },
  familyName: { kind: 'name', required: true },
  firstName: { kind: 'name', required: true },
  birthDate: { kind: 'birthDate', required: false },
} as const satisfies Record<keyof ConsultationReading['patient'], { kind: FieldKind; required: boolean }>;
export const CONSULTATION_FIELDS = {
  date: { kind: 'consultationDate', required: true },
  providerHint: { kind: 'text', required: false },
  eidReadAt: { kind: 'time', required: false },
  eidInputType: { kind: 'idInputType', required: false },
  eidMediaType: { kind: 'idMediaType', required: false },
  eidCardNumber: { kind: 'cardNumber', required: false },
  performerNihii: { kind: 'nihii', required: false },
  performerSsin: { kind: 'ssin', required: false },
  performerFirstName: { kind: 'name', required: false },
  performerLastName: { kind: 'name', required: false },
} as const satisfies Record<keyof ConsultationReading['consultation'], { kind: FieldKind; required: boolean }>;
export const ACT_FIELDS = {
  code: { kind: 'code', required: true },
  quantity: { kind: 'quantity', required: true },
  amountPaid: { kind: 'amount', required: true },
  supplement: { kind: 'amount', required: false },
  tooth: { kind: 'tooth', required: false },
  side: { kind: 'side', required: false },
  place: { kind: 'place', required: false },
  prescriber: { kind: 'nihii', required: false },
  // Required once the place, the prescriber or a hospital is given (see withDependents).
  placeType: { kind: 'placeType', required: false },
  placeService: { kind: 'serviceCode', required: false },
  prescriptionDate: { kind: 'pastDate', required: false },
} as const satisfies Record<ActFieldKey, { kind: FieldKind; required: boolean }>;

/**
 * The fields another one calls for: a place's kind, a hospital's service code (error 243), a
 * prescriber's prescription date (218). Empty, they are `missing`; once not called for, no longer.
 */
function withDependents(act: ActProposal): ActProposal {
  const require = <T>(field: Field<T>, needed: boolean): Field<T> => {
    const empty = (field.raw?.trim() ?? '') === '';
    if (!empty) return field;
    return { ...field, problem: needed ? 'missing' : null };
  };
  return {
    ...act,
    placeType: require(act.placeType, act.place.value !== null),
    placeService: require(act.placeService, act.placeType.value === 'hospital'),
    prescriptionDate: require(act.prescriptionDate, act.prescriber.value !== null),
  };
}

function assessAct(act: ActReading, today: string): ActProposal {
  return withDependents({
    code: assessField('code', act.code, true, today),
    // The content script reads "1" when the adapter has no quantity column: one of each act.
    quantity: assessField('quantity', act.quantity, true, today),
    amountPaid: assessField('amount', act.amountPaid, true, today),
    supplement: assessField('amount', act.supplement, false, today),
    tooth: assessField('tooth', act.tooth, false, today),
    side: assessField('side', act.side, false, today),
    place: assessField('place', act.place, false, today),
    prescriber: assessField('nihii', act.prescriber, false, today),
    placeType: assessField('placeType', act.placeType ?? null, false, today),
    placeService: assessField('serviceCode', act.placeService ?? null, false, today),
    prescriptionDate: assessField('pastDate', act.prescriptionDate ?? null, false, today),
  });
}

export interface ProposalContext {
  id: string;
  tabId: number;
  frameId: number;
  origin: string;
  readAt: string;
  today: string;
}

export function assessReading(reading: ConsultationReading, context: ProposalContext): ConsultationProposal {
  const { today } = context;
  return {
    ...context,
    adapterId: reading.adapterId,
    patient: {
      ssin: assessField('ssin', reading.patient.ssin, true, today),
      familyName: assessField('name', reading.patient.familyName, true, today),
      firstName: assessField('name', reading.patient.firstName, true, today),
      birthDate: assessField('birthDate', reading.patient.birthDate, false, today),
    },
    consultation: {
      date: assessField('consultationDate', reading.consultation.date, true, today),
      providerHint: assessField('text', reading.consultation.providerHint, false, today),
      eidReadAt: assessField('time', reading.consultation.eidReadAt ?? null, false, today),
      eidInputType: assessField('idInputType', reading.consultation.eidInputType ?? null, false, today),
      eidMediaType: assessField('idMediaType', reading.consultation.eidMediaType ?? null, false, today),
      eidCardNumber: assessField('cardNumber', reading.consultation.eidCardNumber ?? null, false, today),
      performerNihii: assessField('nihii', reading.consultation.performerNihii ?? null, false, today),
      performerSsin: assessField('ssin', reading.consultation.performerSsin ?? null, false, today),
      performerFirstName: assessField('name', reading.consultation.performerFirstName ?? null, false, today),
      performerLastName: assessField('name', reading.consultation.performerLastName ?? null, false, today),
    },
    acts: reading.acts.map((act) => assessAct(act, today)),
  };
}

export type FieldPath =
  | { part: 'patient'; field: keyof ConsultationProposal['patient'] }
  | { part: 'consultation'; field: keyof ConsultationProposal['consultation'] }
  | { part: 'act'; index: number; field: ActFieldKey };

export function fieldAt(proposal: ConsultationProposal, path: FieldPath): Field<unknown> | undefined {
  if (path.part === 'patient') return proposal.patient[path.field];
  if (path.part === 'consultation') return proposal.consultation[path.field];
  return proposal.acts[path.index]?.[path.field];
}

/** The clinician's correction of one field: a new proposal value with that field re-judged. */
export function correctField(proposal: ConsultationProposal, path: FieldPath, text: string): ConsultationProposal {
  const { today } = proposal;
  if (path.part === 'patient') {
    const rule = PATIENT_FIELDS[path.field];
    return { ...proposal, patient: { ...proposal.patient, [path.field]: assessField(rule.kind, text, rule.required, today, true) } };
  }
  if (path.part === 'consultation') {
    const rule = CONSULTATION_FIELDS[path.field];
    return { ...proposal, consultation: { ...proposal.consultation, [path.field]: assessField(rule.kind, text, rule.required, today, true) } };
  }
  const rule = ACT_FIELDS[path.field];
  return {
    ...proposal,
    acts: proposal.acts.map((act, index) => (index === path.index ? withDependents({ ...act, [path.field]: assessField(rule.kind, text, rule.required, today, true) }) : act)),
  };
}

/** Every field with a problem, and `noActs` when there is nothing to attest. */
export function proposalProblems(proposal: ConsultationProposal): { path: FieldPath | null; problem: FieldProblem | 'noActs' }[] {
  const problems: { path: FieldPath | null; problem: FieldProblem | 'noActs' }[] = [];
  for (const field of Object.keys(PATIENT_FIELDS) as (keyof typeof PATIENT_FIELDS)[]) {
    const problem = proposal.patient[field].problem;
    if (problem !== null) problems.push({ path: { part: 'patient', field }, problem });
  }
  for (const field of Object.keys(CONSULTATION_FIELDS) as (keyof typeof CONSULTATION_FIELDS)[]) {
    const problem = proposal.consultation[field].problem;
    if (problem !== null) problems.push({ path: { part: 'consultation', field }, problem });
  }
  proposal.acts.forEach((act, index) => {
    for (const field of Object.keys(ACT_FIELDS) as ActFieldKey[]) {
      const problem = act[field].problem;
      if (problem !== null) problems.push({ path: { part: 'act', index, field }, problem });
    }
  });
  if (proposal.acts.length === 0) problems.push({ path: null, problem: 'noActs' });
  return problems;
}
