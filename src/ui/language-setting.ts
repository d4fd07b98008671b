import * as z from 'zod/mini';
import { LANGUAGES, type Language } from '../shared/languages.js';

/**
 * The clinician's interface language: the browser's (the default, nothing stored) or one of ours,
 * kept in browser.storage.local under LANGUAGE_SETTING_KEY (i18n.ts reads it, the options page writes
 * it). A stored value that does not parse counts as the default. No extension API here: the catalog
 * loader uses it.
 */
export const languageSettingSchema = z.enum(['browser', ...LANGUAGES]);
export type LanguageSetting = z.infer<typeof languageSettingSchema>;

export function parseLanguageSetting(stored: unknown): LanguageSetting {
  if (stored === undefined) return 'browser';
  const parsed = languageSettingSchema.safeParse(stored);
  if (!parsed.success) console.warn('[eattest] the stored interface language is not one we know; the browser’s is used');
  return parsed.success ? parsed.data : 'browser';
}

/** The language the setting asks for, or undefined for the browser's. */
export function languageOfSetting(setting: LanguageSetting): Language | undefined {
  return setting === 'browser' ? undefined : setting;
}
