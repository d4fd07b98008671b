import { adapterSchema, type Adapter, type FieldRule, type Transform } from '../shared/adapters/adapter-schema.js';
import type { PickedElement } from './pick-element.js';

/** The fields the clinician points at, in the order the picker asks for them. */
export const PICK_TARGETS = [
  { key: 'ssin', label: 'field_ssin', required: true, inRow: false },
  { key: 'familyName', label: 'field_familyName', required: true, inRow: false },
  { key: 'firstName', label: 'field_firstName', required: true, inRow: false },
  { key: 'birthDate', label: 'field_birthDate', required: false, inRow: false },
  { key: 'language', label: 'field_patientLanguage', required: false, inRow: false },
  { key: 'date', label: 'field_date', required: true, inRow: false },
  { key: 'code', label: 'field_code', required: true, inRow: true },
  { key: 'quantity', label: 'field_quantity', required: false, inRow: true },
  { key: 'amountPaid', label: 'field_amountPaid', required: true, inRow: true },
  { key: 'supplement', label: 'field_supplement', required: false, inRow: true },
  { key: 'button', label: 'pickerField_button', required: true, inRow: false },
  { key: 'writeBack', label: 'pickerField_writeBack', required: false, inRow: false },
] as const;
export type PickKey = (typeof PICK_TARGETS)[number]['key'];
export type Picks = Partial<Record<PickKey, PickedElement>>;

function dateOrder(sample: string): 'dmy' | 'ymd' {
  return /^\d{4}[/.\- ]/.test(sample.trim()) ? 'ymd' : 'dmy';
}

function rule(pick: PickedElement, transforms: Transform[], inRow = false): FieldRule {
  const selector = inRow ? (pick.cellSelector ?? ':scope') : pick.selector;
  return { selector, ...(pick.read === 'value' ? { read: 'value' as const } : {}), ...(transforms.length > 0 ? { transforms } : {}) };
}

export function missingPicks(picks: Picks): PickKey[] {
  return PICK_TARGETS.filter((target) => target.required && picks[target.key] === undefined).map((target) => target.key);
}

/** A URL pattern for every page of the EHR's origin. */
function originPattern(pageUrl: string): string {
  return `${new URL(pageUrl).origin}/*`;
}

/**
 * Turns the picks into an adapter and validates it with the adapter schema (the same check as an
 * import). Formats are guessed from what was seen: day-first dates unless the year comes first,
 * decimal commas, SSINs with dots or dashes.
 */
export function buildCustomAdapter(name: string, pageUrl: string, picks: Picks, idSuffix: string): Adapter {
  const { ssin, familyName, firstName, birthDate, language, date, code, quantity, amountPaid, supplement, button, writeBack } = picks;
  if (ssin === undefined || familyName === undefined || firstName === undefined || date === undefined || code === undefined || amountPaid === undefined || button === undefined) {
    throw new TypeError(`missing picks: ${missingPicks(picks).join(', ')}`);
  }
  const host = new URL(pageUrl).hostname.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-|-$/g, '').slice(0, 30) || 'ehr';
  const candidate = {
    format: 1,
    id: `custom-${host}-${idSuffix}`.slice(0, 63),
    name: name.trim().slice(0, 100) || host,
    match: { urls: [originPattern(pageUrl)], present: ssin.selector },
    patient: {
      ssin: rule(ssin, ['ssin']),
      familyName: rule(familyName, []),
      firstName: rule(firstName, []),
      ...(birthDate === undefined ? {} : { birthDate: rule(birthDate, [{ date: dateOrder(birthDate.sample) }]) }),
      // Read as the page writes it: a code or the language's name (see languageOf).
      ...(language === undefined ? {} : { language: rule(language, []) }),
    },
    consultation: { date: rule(date, [{ date: dateOrder(date.sample) }]) },
    acts: {
      row: code.rowSelector ?? code.selector,
      fields: {
        code: rule(code, ['firstToken', 'digits'], true),
        ...(quantity === undefined ? {} : { quantity: rule(quantity, ['digits'], true) }),
        amountPaid: rule(amountPaid, ['decimalComma'], true),
        ...(supplement === undefined ? {} : { supplement: rule(supplement, ['decimalComma'], true) }),
      },
    },
    button: { anchor: button.selector, place: 'after' },
    ...(writeBack === undefined ? {} : { writeBack: { selector: writeBack.selector } }),
  };
  return adapterSchema.parse(candidate);
}
