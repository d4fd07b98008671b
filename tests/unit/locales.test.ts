import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorMessageKeys } from '../../src/shared/errors.js';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID, STORE_EXTENSION_IDS, allowedExtensions } from '../../src/shared/identity.js';
import { extensionManifest } from '../../vite.config.js';
import { PRODUCT_VERSION } from '../../src/shared/version.js';

const root = new URL('../../', import.meta.url);
const LOCALES = ['en', 'fr', 'nl', 'de'] as const;
type Locale = (typeof LOCALES)[number];

function readJson(relative: string): unknown {
  return JSON.parse(readFileSync(new URL(relative, root), 'utf8'));
}

type Messages = Record<string, { message: string; description?: string }>;

function isMessages(value: unknown): value is Messages {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (entry: unknown) => typeof entry === 'object' && entry !== null && 'message' in entry && typeof entry.message === 'string',
  );
}

const messages = Object.fromEntries(
  LOCALES.map((locale) => {
    const parsed = readJson(`_locales/${locale}/messages.json`);
    if (!isMessages(parsed)) throw new Error(`_locales/${locale}/messages.json is not a messages file`);
    return [locale, parsed];
  }),
) as Record<Locale, Messages>;

function placeholders(text: string): string[] {
  return [...new Set(text.match(/\$\d+/g) ?? [])].sort();
}

describe('locales', () => {
  it('have the same keys in every language', () => {
    const english = Object.keys(messages.en).sort();
    expect(english.length).toBeGreaterThan(ERROR_CODES.length * 2);
    for (const locale of LOCALES) expect(Object.keys(messages[locale]).sort(), locale).toEqual(english);
  });

  it('use only key names Chrome accepts', () => {
    for (const locale of LOCALES) {
      for (const key of Object.keys(messages[locale])) expect(key, `${locale}: ${key}`).toMatch(/^[A-Za-z0-9_]+$/);
    }
  });

  it('have no empty message', () => {
    for (const locale of LOCALES) {
      for (const [key, entry] of Object.entries(messages[locale])) expect(entry.message.trim(), `${locale}: ${key}`).not.toBe('');
    }
  });

  it('explain every error code and what to do next, in every language', () => {
    for (const locale of LOCALES) {
      for (const code of ERROR_CODES) {
        const { what, next } = errorMessageKeys(code);
        expect(messages[locale][what]?.message, `${locale}: ${what}`).toBeTypeOf('string');
        expect(messages[locale][next]?.message, `${locale}: ${next}`).toBeTypeOf('string');
      }
    }
  });

  it('have no error message for a code that does not exist', () => {
    const known = new Set<string>(ERROR_CODES);
    for (const key of Object.keys(messages.en)) {
      const match = /^error_([A-Z_]+?)(_next)?$/.exec(key);
      if (match?.[1] !== undefined) expect(known.has(match[1]), key).toBe(true);
    }
  });

  it('use the same placeholders in every language', () => {
    for (const [key, entry] of Object.entries(messages.en)) {
      const expected = placeholders(entry.message);
      for (const locale of LOCALES) expect(placeholders(messages[locale][key]?.message ?? ''), `${locale}: ${key}`).toEqual(expected);
    }
    // The summary line really has two substitutions, so the check above is not vacuous.
    expect(placeholders(messages.en['certificateSummary']?.message ?? '')).toEqual(['$1', '$2']);
  });

  it('carry each language code in its own locale', () => {
    for (const locale of LOCALES) expect(messages[locale]['languageCode']?.message).toBe(locale);
  });

  it('cover every __MSG_ reference in manifest.json', () => {
    const manifest = readFileSync(new URL('manifest.json', root), 'utf8');
    const references = [...manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)].map((match) => match[1] ?? '');
    expect(references).toEqual(['extName', 'extDescription', 'actionTitle']);
    for (const locale of LOCALES) for (const reference of references) expect(messages[locale][reference], `${locale}: ${reference}`).toBeDefined();
  });
});

describe('versions and identity', () => {
  const pkg = readJson('package.json') as { version: string };
  const manifest = readJson('manifest.json') as { version: string; key: string; default_locale: string };

  it('keep PRODUCT_VERSION equal to package.json and manifest.json', () => {
    expect(PRODUCT_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.version).toBe(PRODUCT_VERSION);
    expect(manifest.version).toBe(PRODUCT_VERSION);
  });

  it('declare a default locale that exists', () => {
    expect(LOCALES).toContain(manifest.default_locale);
  });

  it('derive the Chromium extension id from the manifest key', () => {
    const der = Buffer.from(manifest.key, 'base64');
    expect(der.length).toBeGreaterThan(200);
    const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
    const id = hex.replace(/[0-9a-f]/g, (digit) => String.fromCharCode('a'.charCodeAt(0) + parseInt(digit, 16)));
    expect(id).toMatch(/^[a-p]{32}$/);
    expect(DEVELOPMENT_CHROMIUM_EXTENSION_ID).toBe(id);
  });

  it('keep the development key out of the store build and the development id out of production installs', () => {
    expect(extensionManifest('store')).not.toHaveProperty('key');
    expect(extensionManifest('store')).toMatchObject({ version: PRODUCT_VERSION, manifest_version: 3 });
    expect(extensionManifest('production').key).toBe(manifest.key);
    expect(allowedExtensions('production').chromium).not.toContain(DEVELOPMENT_CHROMIUM_EXTENSION_ID);
    expect(allowedExtensions('development').chromium).toEqual([DEVELOPMENT_CHROMIUM_EXTENSION_ID]);
    for (const id of [STORE_EXTENSION_IDS.chromeWebStore, STORE_EXTENSION_IDS.edgeAddons]) expect(id).toMatch(/^[a-p]{32}$/);
  });
});
