import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { languageOf } from '../../src/shared/languages.js';
import { MAX_CATALOG_BYTES } from '../../src/shared/limits.js';
import { loadCatalog, parseCatalog, substitute } from '../../src/ui/catalog.js';

const catalogText = (language: string): string => readFileSync(new URL(`../../_locales/${language}/messages.json`, import.meta.url), 'utf8');

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('no error was thrown');
}

describe('substitute (as chrome.i18n does)', () => {
  it('puts $1…$9 in place, and nothing for a substitution not given', () => {
    expect(substitute('$1 — expires in $2 days', undefined, ['CN=Test', '12'])).toBe('CN=Test — expires in 12 days');
    expect(substitute('Act $1 ($2)', undefined, ['3'])).toBe('Act 3 ()');
  });

  it('replaces a named placeholder by its content, case-insensitively, with the substitutions inside it', () => {
    const placeholders = { name: { content: '$1' }, nihii: { content: '$2' } };
    expect(substitute('Held by $NAME$ (NIHII $NiHiI$).', placeholders, ['Peeters Jan', '19910140004'])).toBe('Held by Peeters Jan (NIHII 19910140004).');
  });

  it('keeps an unknown placeholder as written and turns $$ into $', () => {
    expect(substitute('$OTHER$ costs $$5', undefined, [])).toBe('$OTHER$ costs $5');
  });
});

describe('parseCatalog', () => {
  it('answers from the German catalog, with placeholders, and undefined for a key it lacks', () => {
    const lookup = parseCatalog(catalogText('de'), 'de');
    expect(lookup('languageCode', [])).toBe('de');
    expect(lookup('certificateSummary', ['CN=Test', '12'])).toBe('CN=Test — läuft in 12 Tagen ab');
    expect(lookup('insurabilityConsulted', ['09:12'])).toBe('Versicherungsträger um 09:12 gefragt.');
    expect(lookup('dmgHolder', ['Peeters Jan', '19910140004'])).toBe('Geführt von Peeters Jan (LIKIV 19910140004).');
    expect(lookup('noSuchKey', [])).toBeUndefined();
    // An inherited property is no message.
    expect(lookup('constructor', [])).toBeUndefined();
  });

  it('refuses what is not JSON, not a messages file, or too large, with a typed error', () => {
    expect(refusal(() => parseCatalog('{"a":', 'fr')).code).toBe('INVALID_MESSAGE');
    expect(refusal(() => parseCatalog('{"key": "text"}', 'fr')).code).toBe('INVALID_MESSAGE');
    expect(refusal(() => parseCatalog('{"bad key": {"message": "x"}}', 'fr')).code).toBe('INVALID_MESSAGE');
    expect(refusal(() => parseCatalog('{"k": {"message": "x", "script": "alert(1)"}}', 'fr')).code).toBe('INVALID_MESSAGE');
    expect(refusal(() => parseCatalog('[]', 'fr')).code).toBe('INVALID_MESSAGE');
    const huge = JSON.stringify({ k: { message: 'x'.repeat(MAX_CATALOG_BYTES) } });
    expect(refusal(() => parseCatalog(huge, 'fr')).code).toBe('MESSAGE_TOO_LARGE');
  });
});

describe('loadCatalog', () => {
  it('reads the extension’s own file for the language', async () => {
    const urls: string[] = [];
    const lookup = await loadCatalog(
      'nl',
      (path) => `chrome-extension://id/${path}`,
      (url) => {
        urls.push(url);
        return Promise.resolve(new Response(catalogText('nl')));
      },
    );
    expect(urls).toEqual(['chrome-extension://id/_locales/nl/messages.json']);
    expect(lookup('nihiiLabel', [])).toBe('RIZIV');
  });

  it('refuses a missing file and a declared size over the limit before reading it', async () => {
    const urlOf = (path: string) => path;
    await expect(loadCatalog('de', urlOf, () => Promise.resolve(new Response('', { status: 404 })))).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    const tooLarge = new Response('{}', { headers: { 'content-length': String(MAX_CATALOG_BYTES + 1) } });
    await expect(loadCatalog('de', urlOf, () => Promise.resolve(tooLarge))).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
  });
});

describe('loadLanguage and t', () => {
  const english = JSON.parse(catalogText('en')) as Record<string, { message: string }>;
  const stored = new Map<string, unknown>();
  const fetches: string[] = [];
  let catalogBody: (url: string) => string = (url) => catalogText(/_locales\/(\w+)\//.exec(url)?.[1] ?? 'en');
  let i18n: typeof import('../../src/ui/i18n.js');
  const documentElement = { lang: '' };

  beforeAll(async () => {
    // The browser of an English-speaking clinician: chrome.i18n answers in English.
    vi.stubGlobal('browser', {
      i18n: { getMessage: (key: string, substitutions?: string | string[]) => substitute(english[key]?.message ?? '', undefined, typeof substitutions === 'string' ? [substitutions] : (substitutions ?? [])) },
      storage: { local: { get: (key: string) => Promise.resolve(stored.has(key) ? { [key]: stored.get(key) } : {}) } },
      runtime: { getURL: (path: string) => `chrome-extension://id/${path}` },
    });
    vi.stubGlobal('document', { documentElement });
    vi.stubGlobal('fetch', (url: string) => {
      fetches.push(url);
      return Promise.resolve(new Response(catalogBody(url)));
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    i18n = await import('../../src/ui/i18n.js');
  });
  afterAll(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
  beforeEach(() => {
    fetches.length = 0;
    stored.clear();
    catalogBody = (url) => catalogText(/_locales\/(\w+)\//.exec(url)?.[1] ?? 'en');
  });

  it('costs nothing by default: no setting, no fetch, the browser’s language', async () => {
    await i18n.loadLanguage();
    expect(fetches).toEqual([]);
    expect(i18n.t('print')).toBe('Print');
    expect(documentElement.lang).toBe('en');
  });

  it('fetches nothing when the setting is the browser’s own language', async () => {
    stored.set(i18n.LANGUAGE_SETTING_KEY, 'en');
    await i18n.loadLanguage();
    expect(fetches).toEqual([]);
    expect(i18n.languageInUse()).toBe('en');
  });

  it('answers in the clinician’s language, with substitutions, and sets the page’s language', async () => {
    stored.set(i18n.LANGUAGE_SETTING_KEY, 'de');
    await i18n.loadLanguage();
    expect(fetches).toEqual(['chrome-extension://id/_locales/de/messages.json']);
    expect(i18n.t('print')).toBe('Drucken');
    expect(i18n.t('certificateSummary', ['CN=Test', '12'])).toBe('CN=Test — läuft in 12 Tagen ab');
    expect(i18n.errorTexts('HOST_TIMEOUT').what).toBe('Der eAttest-Host hat nicht rechtzeitig geantwortet.');
    expect(documentElement.lang).toBe('de');
  });

  it('takes a language given by the page (the patient’s) over the setting', async () => {
    stored.set(i18n.LANGUAGE_SETTING_KEY, 'de');
    await i18n.loadLanguage('fr');
    expect(i18n.t('nihiiLabel')).toBe('INAMI');
    expect(i18n.languageInUse()).toBe('fr');
  });

  it('falls back to the browser’s language for a key the catalog lacks', async () => {
    catalogBody = () => JSON.stringify({ languageCode: { message: 'nl' }, print: { message: 'Afdrukken' } });
    await i18n.loadLanguage('nl');
    expect(i18n.t('print')).toBe('Afdrukken');
    expect(i18n.t('retry')).toBe('Try again');
  });

  it('stays in the browser’s language when the catalog is broken or the setting unknown', async () => {
    catalogBody = () => '{"print": "not a message"}';
    await i18n.loadLanguage('de');
    expect(i18n.t('print')).toBe('Print');
    expect(documentElement.lang).toBe('en');

    stored.set(i18n.LANGUAGE_SETTING_KEY, 'klingon');
    await i18n.loadLanguage();
    expect(fetches).toHaveLength(1);
    expect(i18n.languageInUse()).toBe('en');
  });
});

describe('languageOf (the patient’s language as the EHR page gives it)', () => {
  it('reads codes, locales and the languages’ names, nothing else', () => {
    expect(languageOf('fr')).toBe('fr');
    expect(languageOf(' NL ')).toBe('nl');
    expect(languageOf('de-BE')).toBe('de');
    expect(languageOf('nl_BE')).toBe('nl');
    expect(languageOf('Nederlands')).toBe('nl');
    expect(languageOf(' allemand ')).toBe('de');
    expect(languageOf('Französisch')).toBe('fr');
    expect(languageOf('es')).toBeUndefined();
    expect(languageOf('español')).toBeUndefined();
    expect(languageOf('constructor')).toBeUndefined();
    expect(languageOf(null)).toBeUndefined();
  });
});
