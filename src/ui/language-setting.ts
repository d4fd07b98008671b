import * as z from 'zod/mini';
import { LANGUAGE_SETTING_KEY, LANGUAGES, type Language } from '../shared/languages.js';
import { browser } from './browser.js';

/**
 * The clinician's interface language: the browser's (the default, nothing stored) or one of ours,
 * kept in browser.storage.local. A stored value that does not parse counts as the default.
 */
export const languageSettingSchema = z.enum(['browser', ...LANGUAGES]);
export type LanguageSetting = z.infer<typeof languageSettingSchema>;

export function parseLanguageSetting(stored: unknown): LanguageSetting {
  if (stored === undefined) return 'browser';
  const parsed = languageSettingSchema.safeParse(stored);
  if (!parsed.success) console.warn('[eattest] the stored interface language is not one we know; the browser’s is used');
  return parsed.success ? parsed.data : 'browser';
}

export async function readLanguageSetting(): Promise<LanguageSetting> {
  return parseLanguageSetting((await browser.storage.local.get(LANGUAGE_SETTING_KEY))[LANGUAGE_SETTING_KEY]);
}

export async function saveLanguageSetting(setting: LanguageSetting): Promise<void> {
  if (setting === 'browser') await browser.storage.local.remove(LANGUAGE_SETTING_KEY);
  else await browser.storage.local.set({ [LANGUAGE_SETTING_KEY]: languageSettingSchema.parse(setting) });
}

/** The language the setting asks for, or undefined for the browser's. */
export function languageOfSetting(setting: LanguageSetting): Language | undefined {
  return setting === 'browser' ? undefined : setting;
}
