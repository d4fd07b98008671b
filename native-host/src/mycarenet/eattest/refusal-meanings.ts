import type { Refusal } from '../../../../src/shared/domain/receipt.js';
import type { KmehrError } from '../commons/kmehr-acknowledge.js';

/**
 * What the insurers' kmehr error codes mean for an eAttest (PROTOCOL §8.4, §8.5), in our words.
 * A refusal keeps the code, the XPath into our request that it points at, and a meaning: ours
 * when we know the code, else the platform's own description.
 */
export const EATTEST_ERROR_MEANINGS: Readonly<Record<string, string>> = {
  '100': 'a mandatory element is missing',
  '111': 'an element has a wrong format',
  '120': 'the patient is not known at the insurer, or not affiliated on the day of care',
  '121': 'the mutuality is not known at the insurer',
  '122': 'the registration number is not known at the insurer, or not affiliated on the day of care',
  '130': 'a value is not allowed',
  '140': 'the provider may not attest this on that date',
  '141': 'a provider, or the acknowledgement number, is not known at the insurer',
  '146': 'a date is after today',
  '155': 'a value does not match the web-service level (routing, author, date or id)',
  '156': 'a value does not match another part of the message',
  '167': 'the DMG holder given is not the one the insurer knows',
  '169': 'the patient is registered with a medical house: give a paper certificate',
  '171': 'this code is not allowed for this kind of provider',
  '187': 'this care is already attested or invoiced',
  '190': 'the maximum number of these services for the period is already reached',
  '191': 'a date is before today: eAttest only takes today’s care',
  '192': 'the date does not fit this code',
  '193': 'the place of service does not fit this code',
  '195': 'this code cannot be attested electronically',
  '196': 'third-party payment is mandatory for this patient: use eFact, not eAttest',
  '197': 'a mutuality was given together with the SSIN',
  '198': 'a registration number was given together with the SSIN',
  '219': 'this code is now a competence of the Communities or Regions',
  '221': 'the place of service or laboratory is mandatory for this code',
  '237': 'the treated limb is mandatory for this code',
  '238': 'the attestation holds no service performed today',
  '239': 'the cancellation comes too late for this acknowledgement number',
  '240': 'this acknowledgement number is already cancelled',
  '241': 'the cancellation cannot be processed now: try again later',
  '244': 'the acknowledgement number does not belong to this patient',
  '245': 'the acknowledgement number was not issued to this provider',
};

export function eattestErrorMeaning(code: string): string | undefined {
  return Object.hasOwn(EATTEST_ERROR_MEANINGS, code) ? EATTEST_ERROR_MEANINGS[code] : undefined;
}

/** A kmehr acknowledge error as the product shows it. */
export function refusalOf(error: KmehrError): Refusal {
  const description = eattestErrorMeaning(error.code) ?? error.description;
  return {
    code: error.code,
    ...(error.url !== undefined ? { location: error.url.slice(0, 500) } : {}),
    ...(description !== undefined ? { description: description.slice(0, 1000) } : {}),
  };
}
