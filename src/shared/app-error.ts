import type * as z from 'zod/mini';

/**
 * The closed list of error codes that may cross a boundary (host → background → pages).
 * Each code has two localised strings: `error_<CODE>` says what happened, `error_<CODE>_next`
 * says what the clinician should do next.
 */
export const ERROR_CODES = [
  'HOST_NOT_INSTALLED',
  'HOST_FORBIDDEN',
  'HOST_CRASHED',
  'HOST_VERSION_MISMATCH',
  'HOST_TIMEOUT',
  'HOST_BUSY',
  'HOST_MISCONFIGURED',
  'CALLER_NOT_ALLOWED',
  'MESSAGE_TOO_LARGE',
  'INVALID_MESSAGE',
  'UNKNOWN_COMMAND',
  'SENDER_NOT_ALLOWED',
  'CERTIFICATE_MISSING',
  'CERTIFICATE_PASSWORD_MISSING',
  'CERTIFICATE_UNREADABLE',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_REFUSED',
  'KEY_TYPE_UNSUPPORTED',
  'STS_REFUSED',
  'MYCARENET_FAULT',
  'MYCARENET_ACCESS_DENIED',
  'MYCARENET_UNAVAILABLE',
  'MYCARENET_TIMEOUT',
  'MYCARENET_BAD_ANSWER',
  'SEAL_FAILED',
  'ETK_UNAVAILABLE',
  'PATIENT_UNKNOWN',
  'INSURER_UNKNOWN',
  'DATE_NOT_ALLOWED',
  'MYCARENET_REFUSED',
  'NOT_ON_REQUEST',
  'JOURNAL_UNAVAILABLE',
  'JOURNAL_TAMPERED',
  'ALREADY_ATTESTED',
  'SEND_IN_FLIGHT',
  'ATTESTATION_CHECK_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, string | number | boolean | null>;

/** The serialised form of an error, the only shape an error takes on the wire (errorPayloadSchema in errors.ts). */
export interface ErrorPayload {
  code: ErrorCode;
  /** For logs and support, in English; the UI shows the localised text of `code`. */
  message: string;
  details?: ErrorDetails | undefined;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromPayload(payload: ErrorPayload): AppError {
    return new AppError(payload.code, payload.message, payload.details);
  }
}

/**
 * Turns anything thrown into a payload. Errors we did not raise ourselves become INTERNAL with a
 * fixed text: their message may carry data (paths, key material) that must not cross a boundary.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  return { code: 'INTERNAL', message: 'An internal error occurred; see the log for details.' };
}

/** The i18n message keys of an error code. */
export function errorMessageKeys(code: ErrorCode): { what: string; next: string } {
  return { what: `error_${code}`, next: `error_${code}_next` };
}

/**
 * One issue in words. zod/mini carries no locale, so an issue without a message of its own reads
 * "Invalid input": say from its code what was wrong instead (never the input itself).
 */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.message !== '' && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.join(', ')}`;
    case 'too_big':
      return `too big (at most ${String(issue.maximum)})`;
    case 'too_small':
      return `too small (at least ${String(issue.minimum)})`;
    case 'invalid_format':
      return `not a valid ${issue.format}`;
    case 'invalid_value':
      return 'not one of the allowed values';
    case 'invalid_union':
      return 'matches none of the allowed shapes';
    default:
      return `invalid (${issue.code})`;
  }
}

/** Zod issues in a short, data-free form suitable for error details. */
export function describeZodIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issueText(issue)}`)
    .join('; ');
}
