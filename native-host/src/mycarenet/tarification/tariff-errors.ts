import type { ErrorCode } from '../../../../src/shared/errors.js';

/**
 * What the kmehr error codes of a tariff consultation mean (PROTOCOL §7), in our words, and which
 * typed error a refusal becomes when no tariff came back at all.
 */
export const TARIFF_ERROR_MEANINGS: Readonly<Record<string, string>> = {
  '100': 'a mandatory element is missing',
  '111': 'an element has a wrong format',
  '112': 'a check digit is wrong',
  '113': 'the date is not plausible',
  '120': 'the patient is not known at the insurer, or not affiliated on that date',
  '121': 'the mutuality number is not known at the insurer',
  '122': 'the registration number is not known at the insurer, or not affiliated on that date',
  '130': 'a value is not allowed',
  '136': 'the sex does not match the SSIN',
  '140': 'the provider may not make this request on that date',
  '141': 'the provider is not known at the insurer on that date',
  '146': 'the date is after today',
  '155': 'a value does not match the web-service level',
  '156': 'a value does not match the rest of the request',
  '158': 'the patient identification does not hold together',
  '160': 'this combination of selection criteria is not supported',
  '166': 'the date is more than two months ago',
  '167': 'the DMG holder given is not the one the insurer knows',
  '169': 'the patient is registered with a medical house: this code is not allowed',
  '170': 'the patient is not in order with the insurer',
  '171': 'this code is not allowed for this kind of provider',
  '172': 'this code is not allowed in eFact',
  '174': 'the DMG holder is the author',
  '175': 'this code is not allowed in a tariff consultation but is in eFact',
};

export function meaningOf(code: string): string | undefined {
  return TARIFF_ERROR_MEANINGS[code];
}

/** The typed error for a consultation that brought back nothing usable, from its first error code. */
export function refusalCode(kmehrCode: string | undefined): ErrorCode {
  if (kmehrCode === '146' || kmehrCode === '166' || kmehrCode === '113') return 'DATE_NOT_ALLOWED';
  if (kmehrCode === '120' || kmehrCode === '121' || kmehrCode === '122') return 'PATIENT_UNKNOWN';
  if (kmehrCode === '140' || kmehrCode === '141') return 'MYCARENET_ACCESS_DENIED';
  return 'MYCARENET_REFUSED';
}
