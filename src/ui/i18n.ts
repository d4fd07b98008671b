import { browser } from './browser.js';
import type en from '../../_locales/en/messages.json';
import { errorMessageKeys, type ErrorCode } from '../shared/app-error.js';

export type MessageKey = keyof typeof en;

/** Every user-visible string goes through the browser's i18n, in the browser's language (en, fr, nl). */
export function t(key: MessageKey, substitutions?: string | string[]): string {
  const text = browser.i18n.getMessage(key, substitutions);
  return text !== '' ? text : key;
}

export function errorTexts(code: ErrorCode): { what: string; next: string } {
  const keys = errorMessageKeys(code);
  return { what: t(keys.what as MessageKey), next: t(keys.next as MessageKey) };
}
