import * as z from 'zod/mini';
import { AppError } from '../shared/errors.js';
import type { Language } from '../shared/languages.js';
import { languageOfSetting, parseLanguageSetting } from './language-setting.js';
import { MAX_CATALOG_BYTES } from '../shared/limits.js';

/**
 * A language's messages read from the extension's own `_locales/<lang>/messages.json`, for when the
 * clinician (or the patient's receipt) wants another language than the browser's: chrome.i18n only
 * answers in the browser's. Loaded on demand (i18n.ts imports this module only then), so that the
 * schemas cost the popup's first paint nothing in the default case.
 */

const placeholderSchema = z.strictObject({ content: z.string().check(z.maxLength(100)), example: z.optional(z.string().check(z.maxLength(200))) });

export const catalogSchema = z.record(
  z.string().check(z.regex(/^[A-Za-z0-9_]{1,100}$/)),
  z.strictObject({
    message: z.string().check(z.maxLength(4000)),
    description: z.optional(z.string().check(z.maxLength(1000))),
    placeholders: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z0-9_@]{1,40}$/)), placeholderSchema)),
  }),
);
export type Catalog = z.infer<typeof catalogSchema>;

/** The answer for one key, or undefined when the catalog lacks it (the caller falls back); substitutions as chrome.i18n takes them. */
export type Lookup = (key: string, substitutions?: string | readonly string[]) => string | undefined;

/**
 * A message with its substitutions, as chrome.i18n does it: `$1`…`$9` are the substitutions,
 * `$NAME$` is the named placeholder's content (itself with `$n`), names case-insensitive, `$$` is `$`.
 */
export function substitute(message: string, placeholders: Catalog[string]['placeholders'], substitutions: readonly string[]): string {
  const positional = (text: string): string => text.replace(/\$(\d)/g, (_match, digit: string) => substitutions[Number(digit) - 1] ?? '');
  const named = new Map(Object.entries(placeholders ?? {}).map(([name, placeholder]) => [name.toLowerCase(), placeholder.content]));
  return message.replace(/\$\$|\$([A-Za-z_][A-Za-z0-9_@]*)\$|\$(\d)/g, (match, name: string | undefined, digit: string | undefined) => {
    if (match === '$$') return '$';
    if (name !== undefined) {
      const content = named.get(name.toLowerCase());
      return content === undefined ? match : positional(content);
    }
    return substitutions[Number(digit) - 1] ?? '';
  });
}

/** A catalog's text, checked: not larger than the limit, JSON, every entry a message. */
export function parseCatalog(text: string, language: Language): Lookup {
  if (text.length > MAX_CATALOG_BYTES) throw new AppError('MESSAGE_TOO_LARGE', 'a language catalog is larger than allowed', { language, length: text.length, limit: MAX_CATALOG_BYTES });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_MESSAGE', 'a language catalog is not JSON', { language });
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) throw new AppError('INVALID_MESSAGE', 'a language catalog is not a messages file', { language, issue: parsed.error.issues[0]?.path.join('.') ?? '' });
  const catalog = parsed.data;
  return (key, substitutions) => {
    const entry = Object.hasOwn(catalog, key) ? catalog[key] : undefined;
    return entry === undefined ? undefined : substitute(entry.message, entry.placeholders, typeof substitutions === 'string' ? [substitutions] : (substitutions ?? []));
  };
}

/** The catalog shipped with the extension for this language: `urlOf` is runtime.getURL (`read` injectable for tests). */
export async function loadCatalog(language: Language, urlOf: (path: string) => string, read: (url: string) => Promise<Response> = (url) => fetch(url)): Promise<Lookup> {
  const response = await read(urlOf(`_locales/${language}/messages.json`));
  if (!response.ok) throw new AppError('INVALID_MESSAGE', 'a language catalog could not be read', { language, status: response.status });
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_CATALOG_BYTES) throw new AppError('MESSAGE_TOO_LARGE', 'a language catalog is larger than allowed', { language, length: declared, limit: MAX_CATALOG_BYTES });
  return parseCatalog(await response.text(), language);
}

/**
 * For loadLanguage: the catalog a choice asks for (a language, or the stored setting, parsed), or
 * undefined when it is the browser's own language or the browser's by default.
 */
export async function loadLanguageCatalog(choice: unknown, browserLanguage: string, urlOf: (path: string) => string): Promise<{ language: Language; lookup: Lookup } | undefined> {
  const language = languageOfSetting(parseLanguageSetting(choice));
  return language === undefined || language === browserLanguage ? undefined : { language, lookup: await loadCatalog(language, urlOf) };
}
