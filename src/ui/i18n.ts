import { browser } from './browser.js';
import type en from '../../_locales/en/messages.json';
import { errorMessageKeys, type ErrorCode } from '../shared/app-error.js';
import { LANGUAGE_SETTING_KEY, type Language } from '../shared/languages.js';

export type MessageKey = keyof typeof en;

/** A catalog loaded for another language than the browser's (see loadLanguage); undefined: chrome.i18n answers. */
let loaded: { language: Language; lookup: (key: string, substitutions: readonly string[]) => string | undefined } | undefined;

/**
 * Every user-visible string goes through here: in the browser's language (chrome.i18n), or in the
 * language loadLanguage loaded. A key the loaded catalog lacks falls back to the browser's language.
 */
export function t(key: MessageKey, substitutions?: string | string[]): string {
  const list = substitutions === undefined ? [] : typeof substitutions === 'string' ? [substitutions] : substitutions;
  const text = loaded?.lookup(key, list) ?? browser.i18n.getMessage(key, substitutions);
  return text !== '' ? text : key;
}

/** The language chrome.i18n answers in (the browser's, or English where we lack it). */
function browserLanguage(): string {
  return browser.i18n.getMessage('languageCode');
}

/** The language t() answers in now. */
export function languageInUse(): string {
  return loaded?.language ?? browserLanguage();
}

/**
 * Each page awaits this before its first render: the language given (the patient's, on the
 * receipt), else the clinician's setting. The default (no setting, or the browser's own language)
 * fetches and imports nothing. A catalog that cannot be read leaves the browser's language.
 */
export async function loadLanguage(language?: Language): Promise<void> {
  let wanted = language;
  if (wanted === undefined) {
    const stored = (await browser.storage.local.get(LANGUAGE_SETTING_KEY))[LANGUAGE_SETTING_KEY];
    if (stored !== undefined) {
      const { parseLanguageSetting, languageOfSetting } = await import('./language-setting.js');
      wanted = languageOfSetting(parseLanguageSetting(stored));
    }
  }
  if (wanted === undefined || wanted === browserLanguage()) {
    loaded = undefined;
  } else {
    try {
      const { loadCatalog } = await import('./catalog.js');
      loaded = { language: wanted, lookup: await loadCatalog(wanted, (path) => browser.runtime.getURL(path)) };
    } catch (error) {
      console.warn(`[eattest] the ${wanted} messages could not be loaded; the browser’s language is used`, error);
      loaded = undefined;
    }
  }
  document.documentElement.lang = languageInUse();
}

export function errorTexts(code: ErrorCode): { what: string; next: string } {
  const keys = errorMessageKeys(code);
  return { what: t(keys.what as MessageKey), next: t(keys.next as MessageKey) };
}
