import type { Transform } from './adapter-schema.js';

/**
 * The adapter transforms, pure and small (they run in the content script, which carries no zod).
 * A transform that does not recognise its input returns it unchanged, so the clinician sees the page's
 * text and the field's problem instead of a silently invented value.
 */

/** Longest text kept from any one field; the page may hold anything. */
export const MAX_FIELD_TEXT = 200;

export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD_TEXT);
}

function ssinDigits(text: string): string {
  return /^[\d\s.\-/]+$/.test(text) ? text.replace(/\D/g, '') : text;
}

/** "1.234,50 €", "€ 12.5", "12,50" → "1234.50", "12.5", "12.50". */
function decimalComma(text: string): string {
  const bare = text.replace(/€|EUR|\s/gi, '');
  if (/^-?\d{1,3}(\.\d{3})+,\d{1,2}$/.test(bare)) return bare.replace(/\./g, '').replace(',', '.');
  if (/^-?\d+,\d{1,2}$/.test(bare)) return bare.replace(',', '.');
  if (/^-?\d+(\.\d{1,2})?$/.test(bare)) return bare;
  return text;
}

const pad = (value: string): string => value.padStart(2, '0');

function date(text: string, order: 'dmy' | 'ymd' | 'mdy'): string {
  const parts = /^(\d{1,4})[/.\- ](\d{1,2})[/.\- ](\d{1,4})$/.exec(text);
  if (parts === null) return text;
  const [first, second, third] = [parts[1] ?? '', parts[2] ?? '', parts[3] ?? ''];
  const [year, month, day] = order === 'ymd' ? [first, second, third] : order === 'dmy' ? [third, second, first] : [third, first, second];
  // Two-digit years are ambiguous for birth dates: leave them for the clinician.
  if (year.length !== 4 || day.length > 2) return text;
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function applyTransform(text: string, transform: Transform): string {
  if (typeof transform === 'string') {
    switch (transform) {
      case 'ssin':
        return ssinDigits(text);
      case 'decimalComma':
        return decimalComma(text);
      case 'digits':
        return text.replace(/\D/g, '');
      case 'firstToken':
        return text.split(' ')[0] ?? '';
      case 'upperCase':
        return text.toUpperCase();
    }
  }
  if ('date' in transform) return date(text, transform.date);
  return Object.hasOwn(transform.map, text) ? (transform.map[text] ?? text) : text;
}

export function applyTransforms(text: string, transforms: readonly Transform[] | undefined): string {
  return (transforms ?? []).reduce((value, transform) => applyTransform(value, transform), normaliseSpace(text));
}
