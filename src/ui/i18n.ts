import { browser } from './browser.js';
import type en from '../../_locales/en/messages.json';
import { errorMessageKeys, type ErrorCode } from '../shared/app-error.js';
import { LANGUAGE_SETTING_KEY, type Language } from '../shared/languages.js';

export type MessageKey = keyof typeof en;

export { LANGUAGE_SETTING_KEY };

/** A catalog loaded for another language than the browser's (see loadLanguage); undefined: chrome.i18n answers. */
let loaded: { language: Language; lookup: (key: string, substitutions?: string | string[]) => string | undefined } | undefined;

/**
 * Every user-visible string goes through here: in the browser's language (chrome.i18n), or in the
 * language loadLanguage loaded. A key the loaded catalog lacks falls back to the browser's language.
 */
export function t(key: MessageKey, substitutions?: string | string[]): string {
  const text = loaded?.lookup(key, substitutions) ?? browser.i18n.getMessage(key, substitutions);
  return text !== '' ? text : key;
}

/** The language t() answers in now: the loaded one, else chrome.i18n's (the browser's, or English where we lack it). */
export function languageInUse(): string {
  return loaded?.language ?? browser.i18n.getMessage('languageCode');
}

/**
 * Each page awaits this before its first render: the language given (the patient's, on the
 * receipt), else the clinician's setting. The default (no setting, or the browser's own language)
 * fetches and imports nothing: the popup's first paint stays as it was. A setting or a catalog that
 * does not parse leaves the browser's language.
 */
export async function loadLanguage(language?: Language): Promise<void> {
  const wanted: unknown = language ?? (await browser.storage.local.get(LANGUAGE_SETTING_KEY))[LANGUAGE_SETTING_KEY];
  const browserLanguage = browser.i18n.getMessage('languageCode');
  try {
    loaded = wanted === undefined || wanted === browserLanguage ? undefined : await (await import('./catalog.js')).loadLanguageCatalog(wanted, browserLanguage, (path) => browser.runtime.getURL(path));
  } catch (error) {
    console.warn('[eattest] the interface language could not be loaded; the browser’s is used', error);
    loaded = undefined;
  }
  document.documentElement.lang = languageInUse();
}

export function errorTexts(code: ErrorCode): { what: string; next: string } {
  const keys = errorMessageKeys(code);
  return { what: t(keys.what as MessageKey), next: t(keys.next as MessageKey) };
}
