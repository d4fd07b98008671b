/**
 * The languages the product speaks: Belgium's three (French, Dutch, German) and English. The
 * clinician's interface and the patient's receipt are each in one of them. No zod here: the popup
 * and the content path use it without loading the schemas.
 */
export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A language as an EHR page writes it, after the adapter's transforms: a code ("fr", "NL"), a
 * locale ("de-BE", "nl_BE"). Anything else is no language (the receipt then takes the clinician's).
 */
export function languageOf(text: string | null | undefined): Language | undefined {
  const match = /^\s*([a-z]{2})(?:[-_][a-z]{2})?\s*$/i.exec(text ?? '');
  const code = match?.[1]?.toLowerCase();
  return isLanguage(code) ? code : undefined;
}
