import type { Adapter, FieldRule, ReadSource } from '../shared/adapters/adapter-schema.js';
import { applyTransforms } from '../shared/adapters/transforms.js';
import { anyUrlMatches } from '../shared/adapters/url-match.js';
import type { ActFieldKey, ActReading, ConsultationReading } from '../shared/domain/consultation.js';

/**
 * Applies an adapter to a page: reads exactly the elements the adapter names, as text, and nothing
 * else. Parsing and judging happen in the background; this only finds strings. Runs in the content
 * script (and, for the fixture tests, in a plain Chromium page), so it uses the DOM and no libraries.
 */

const MAX_ACTS = 30;
/** Text beyond this is cut before the transforms, so a huge element cannot slow the page. */
const MAX_RAW_TEXT = 2000;

function query(scope: Document | Element, selector: string): Element | null {
  if (selector === ':scope') return scope instanceof Element ? scope : null;
  try {
    return scope.querySelector(selector);
  } catch {
    // An invalid selector in a custom adapter reads nothing.
    return null;
  }
}

function queryAll(scope: Document, selector: string): Element[] {
  try {
    return Array.from(scope.querySelectorAll(selector)).slice(0, MAX_ACTS);
  } catch {
    return [];
  }
}

function readSource(element: Element, source: ReadSource): string | null {
  if (source === 'text') return element.textContent;
  if (source === 'value') {
    const isFormField = element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement;
    return isFormField ? element.value : null;
  }
  return element.getAttribute(source.attribute);
}

export function readField(scope: Document | Element, rule: FieldRule | undefined): string | null {
  if (rule === undefined) return null;
  const element = query(scope, rule.selector);
  if (element === null) return null;
  const raw = readSource(element, rule.read ?? 'text');
  if (raw === null) return null;
  const text = applyTransforms(raw.slice(0, MAX_RAW_TEXT), rule.transforms);
  return text === '' ? null : text;
}

const ACT_FIELD_KEYS: readonly ActFieldKey[] = ['code', 'quantity', 'amountPaid', 'supplement', 'tooth', 'side', 'place', 'prescriber', 'placeType', 'placeService', 'prescriptionDate'];

function readAct(row: Element, adapter: Adapter): ActReading | undefined {
  const rules = adapter.acts.fields;
  const act = Object.fromEntries(ACT_FIELD_KEYS.map((key) => [key, readField(row, rules[key])])) as ActReading;
  // A row with nothing in it (a template or an empty line of the grid) is not an act.
  if (ACT_FIELD_KEYS.every((key) => act[key] === null)) return undefined;
  // Without a quantity column, each row is one act.
  return rules.quantity === undefined ? { ...act, quantity: '1' } : act;
}

/** Whether the adapter applies to this page now: its URL patterns match and its marker element is there. */
export function adapterApplies(adapter: Adapter, url: string, document: Document): boolean {
  return anyUrlMatches(adapter.match.urls, url) && (adapter.match.present === undefined || query(document, adapter.match.present) !== null);
}

export function findAdapter(adapters: readonly Adapter[], url: string, document: Document): Adapter | undefined {
  return adapters.find((adapter) => adapterApplies(adapter, url, document));
}

/** One synchronous pass over the page, so that a reading never mixes two renders of it. */
export function readConsultation(adapter: Adapter, document: Document): ConsultationReading {
  return {
    adapterId: adapter.id,
    patient: {
      ssin: readField(document, adapter.patient.ssin),
      familyName: readField(document, adapter.patient.familyName),
      firstName: readField(document, adapter.patient.firstName),
      birthDate: readField(document, adapter.patient.birthDate),
    },
    consultation: {
      date: readField(document, adapter.consultation.date),
      providerHint: readField(document, adapter.consultation.providerHint),
      eidReadAt: readField(document, adapter.consultation.eidReadAt),
      eidInputType: readField(document, adapter.consultation.eidInputType),
      eidMediaType: readField(document, adapter.consultation.eidMediaType),
      eidCardNumber: readField(document, adapter.consultation.eidCardNumber),
      performerNihii: readField(document, adapter.consultation.performerNihii),
      performerSsin: readField(document, adapter.consultation.performerSsin),
      performerFirstName: readField(document, adapter.consultation.performerFirstName),
      performerLastName: readField(document, adapter.consultation.performerLastName),
    },
    acts: queryAll(document, adapter.acts.row).flatMap((row) => readAct(row, adapter) ?? []),
    ...(adapter.patient.language === undefined ? {} : { patientLanguage: readField(document, adapter.patient.language) }),
  };
}
