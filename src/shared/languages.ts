/**
 * The languages the product speaks: Belgium's three (French, Dutch, German) and English. The
 * clinician's interface and the patient's receipt are each in one of them. No zod here: the popup
 * and the content path use it without loading the schemas.
 */
export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the clinician's choice of interface language is kept (browser.storage.local; written by the options page). */
export const LANGUAGE_SETTING_KEY = 'clinicianLanguage';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The names EHRs write for our languages, in each of them (lower case, with and without accents). */
const LANGUAGE_WORDS: Readonly<Record<string, Language>> = {
  français: 'fr', francais: 'fr', frans: 'fr', französisch: 'fr', franzoesisch: 'fr', french: 'fr',
  néerlandais: 'nl', neerlandais: 'nl', nederlands: 'nl', niederländisch: 'nl', niederlaendisch: 'nl', dutch: 'nl',
  allemand: 'de', duits: 'de', deutsch: 'de', german: 'de',
  anglais: 'en', engels: 'en', englisch: 'en', english: 'en',
};

/**
 * A language as an EHR page writes it, after the adapter's transforms: a code ("fr", "NL"), a
 * locale ("de-BE", "nl_BE") or its name in one of our languages ("Nederlands", "allemand").
 * Anything else is no language (the receipt then takes the clinician's).
 */
export function languageOf(text: string | null | undefined): Language | undefined {
  const trimmed = (text ?? '').trim().toLowerCase();
  const code = /^([a-z]{2})(?:[-_][a-z]{2})?$/.exec(trimmed)?.[1];
  if (isLanguage(code)) return code;
  return Object.hasOwn(LANGUAGE_WORDS, trimmed) ? LANGUAGE_WORDS[trimmed] : undefined;
}
