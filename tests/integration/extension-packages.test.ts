import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_DATA_COLLECTION, FIREFOX_MIN_VERSION, packageExtension, type BuiltManifest } from '../../scripts/package-extension.js';
import { STORE_EXTENSION_IDS } from '../../src/shared/identity.js';
import { repoRoot } from '../support/paths.js';

/**
 * The extension packages `npm run package` writes, read back from the archives as a store reads
 * them: a manifest the Chrome Web Store, Edge Add-ons and addons.mozilla.org accept (no `key`, only
 * the permissions the product needs, host access only optional), the product's version, no source
 * maps nor local paths, every file the manifest and the pages name present, icons, and complete
 * locales. The store build is made once, for both packages.
 */

/** The API permissions the product needs; any other is a review decision, not a build detail. */
const PRODUCT_PERMISSIONS = ['nativeMessaging', 'scripting', 'storage'];
/** Permissions that only a development build could want, and that the stores flag or refuse. */
const DEVELOPMENT_ONLY_PERMISSIONS = ['debugger', 'management', 'declarativeNetRequestFeedback', 'webRequestBlocking', '<all_urls>'];
/** Traces of the machine that built it (a source map or an inlined path would carry them). */
const LOCAL_PATH_MARKERS = [...['home', 'work', 'tmp', 'root'].map((folder) => `/${folder}/`), 'C:\\', 'C:/'];
const PRODUCT_LOCALES = ['de', 'en', 'fr', 'nl'];
const REQUIRED_ICON_SIZES = [16, 48, 128];

interface Archive {
  name: string;
  entries: string[];
  read: (entry: string) => Buffer;
  manifest: BuiltManifest & Record<string, unknown>;
}

const scratch = mkdtempSync(join(tmpdir(), 'eattest-extension-packages-'));

/** Lists and extracts an archive with Debian's `unzip`, an outside reader, as the stores read it. */
function openArchive(path: string): Archive {
  const entries = execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).split('\n').filter((line) => line !== '');
  const extracted = mkdtempSync(join(scratch, 'archive-'));
  execFileSync('unzip', ['-q', path, '-d', extracted]);
  const read = (entry: string): Buffer => {
    if (!entries.includes(entry)) throw new Error(`${entry} is not in ${posix.basename(path)}`);
    return readFileSync(join(extracted, entry));
  };
  return { name: posix.basename(path), entries, read, manifest: JSON.parse(read('manifest.json').toString('utf8')) as Archive['manifest'] };
}

let chrome: Archive;
let firefox: Archive;

beforeAll(async () => {
  const { chromeZip, firefoxXpi } = await packageExtension();
  chrome = openArchive(chromeZip);
  firefox = openArchive(firefoxXpi);
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const stringValues = (value: unknown): string[] =>
  typeof value === 'object' && value !== null ? Object.values(value).filter((item): item is string => typeof item === 'string') : [];

/** Every file the manifest names, relative to the archive's root. */
function manifestFiles(manifest: Archive['manifest']): string[] {
  const action = manifest.action as { default_popup?: string; default_icon?: unknown } | undefined;
  const options = manifest.options_ui as { page?: string } | undefined;
  const contentScripts = Array.isArray(manifest.content_scripts) ? (manifest.content_scripts as { js?: unknown; css?: unknown }[]) : [];
  const webAccessible = Array.isArray(manifest.web_accessible_resources) ? (manifest.web_accessible_resources as { resources?: unknown }[]) : [];
  return [
    ...(manifest.background?.service_worker === undefined ? [] : [manifest.background.service_worker]),
    ...(manifest.background?.scripts ?? []),
    ...(action?.default_popup === undefined ? [] : [action.default_popup]),
    ...stringValues(action?.default_icon),
    ...(options?.page === undefined ? [] : [options.page]),
    ...stringValues(manifest.icons),
    ...contentScripts.flatMap((script) => [...stringList(script.js), ...stringList(script.css)]),
    ...webAccessible.flatMap((entry) => stringList(entry.resources)).filter((resource) => !resource.includes('*')),
  ].map((file) => file.replace(/^\//, ''));
}

/** The scripts and styles an HTML page of the archive loads from the extension itself. */
function pageReferences(archive: Archive, page: string): string[] {
  const html = archive.read(page).toString('utf8');
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)]
    .map((match) => match[1] ?? '')
    .filter((reference) => !/^[a-z-]+:/i.test(reference) && !reference.startsWith('#'))
    .map((reference) => (reference.startsWith('/') ? reference.slice(1) : posix.normalize(posix.join(posix.dirname(page), reference))));
}

/** The modules a script of the archive imports from the extension itself (static and dynamic imports). */
function scriptImports(archive: Archive, script: string): string[] {
  const code = archive.read(script).toString('utf8');
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'`]((?:\.{1,2})?\/[^"'`]+)["'`]/g)]
    .map((match) => match[1] ?? '')
    .map((specifier) => (specifier.startsWith('/') ? specifier.slice(1) : posix.normalize(posix.join(posix.dirname(script), specifier))));
}

/** Width and height from a PNG's header, or undefined when the bytes are no PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const packages = (): Archive[] => [chrome, firefox];

describe.each([{ store: 'chrome' }, { store: 'firefox' }] as const)('the $store package', ({ store }) => {
  const archive = (): Archive => (store === 'chrome' ? chrome : firefox);

  it('has a store manifest: MV3, no development key, the product version', () => {
    const { manifest } = archive();
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.manifest_version).toBe(3);
    expect(manifest).not.toHaveProperty('key');
    expect(manifest.version).toBe(version);
    expect(archive().name).toContain(version);
  });

  it('asks only for the permissions the product needs, host access only optionally', () => {
    const { manifest } = archive();
    const permissions = stringList(manifest.permissions);
    expect(permissions.filter((permission) => DEVELOPMENT_ONLY_PERMISSIONS.includes(permission))).toEqual([]);
    expect([...permissions].sort()).toEqual(PRODUCT_PERMISSIONS);
    expect(manifest).not.toHaveProperty('host_permissions');
    // Static content scripts would grant their pages at install; ours is injected per granted origin.
    expect(manifest).not.toHaveProperty('content_scripts');
    expect(stringList(manifest.optional_host_permissions).length).toBeGreaterThan(0);
  });

  it('carries no source maps and no path of the machine that built it', () => {
    const { entries, read } = archive();
    expect(entries.filter((entry) => entry.endsWith('.map'))).toEqual([]);
    const textEntries = entries.filter((entry) => /\.(js|mjs|css|html|json)$/.test(entry));
    expect(textEntries.length).toBeGreaterThan(0);
    const leaks = textEntries.flatMap((entry) => {
      const text = read(entry).toString('utf8');
      const markers = [...LOCAL_PATH_MARKERS, repoRoot].filter((marker) => text.includes(marker));
      return [...markers.map((marker) => `${entry}: ${marker}`), ...(text.includes('sourceMappingURL') ? [`${entry}: sourceMappingURL`] : [])];
    });
    expect(leaks).toEqual([]);
  });

  it('holds every file its manifest names, its pages load and its scripts import', () => {
    const { manifest, entries } = archive();
    const named = manifestFiles(manifest);
    expect(named).toContain('src/popup/index.html');
    const pages = [...new Set([...named, ...entries].filter((entry) => entry.endsWith('.html')))];
    const referenced = pages.flatMap((page) => pageReferences(archive(), page));
    expect(referenced.length).toBeGreaterThan(0);
    const imported = entries.filter((entry) => entry.endsWith('.js')).flatMap((script) => scriptImports(archive(), script));
    expect(imported.length).toBeGreaterThan(0);
    expect([...named, ...referenced, ...imported].filter((file) => !entries.includes(file))).toEqual([]);
  });

  it('has square PNG icons of the sizes the stores show', () => {
    const { manifest, read } = archive();
    const icons = (manifest.icons ?? {}) as Record<string, string>;
    for (const size of REQUIRED_ICON_SIZES) expect(icons, `a ${size}px icon`).toHaveProperty(String(size));
    for (const [size, file] of Object.entries(icons)) expect(pngSize(read(file)), file).toEqual({ width: Number(size), height: Number(size) });
  });

  it('has complete locales: every message the manifest uses, the same keys in every language', () => {
    const { manifest, entries, read } = archive();
    const locales = entries.flatMap((entry) => /^_locales\/([^/]+)\/messages\.json$/.exec(entry)?.[1] ?? []).sort();
    expect(locales).toEqual(PRODUCT_LOCALES);
    expect(locales).toContain(manifest.default_locale);
    const keysOf = (locale: string): string[] => Object.keys(JSON.parse(read(`_locales/${locale}/messages.json`).toString('utf8')) as object).sort();
    const defaultKeys = keysOf(String(manifest.default_locale));
    const used = [...JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)].map((match) => match[1] ?? '');
    expect(used.length).toBeGreaterThan(0);
    for (const locale of locales) {
      expect(keysOf(locale), locale).toEqual(defaultKeys);
      expect(used.filter((key) => !keysOf(locale).includes(key)), locale).toEqual([]);
    }
  });
});

describe('the Chrome Web Store / Edge package', () => {
  it('runs its background as a service worker and declares nothing for Firefox', () => {
    expect(chrome.name).toMatch(/-chrome\.zip$/);
    expect(chrome.manifest.background?.service_worker).toBeDefined();
    expect(chrome.manifest.background).not.toHaveProperty('scripts');
    expect(chrome.manifest).not.toHaveProperty('browser_specific_settings');
  });
});

describe('the Firefox package', () => {
  it('runs its background as scripts, which Firefox requires, and has the Firefox id the production hosts allow', () => {
    expect(firefox.name).toMatch(/\.xpi$/);
    expect(firefox.manifest.background?.scripts).toEqual([chrome.manifest.background?.service_worker]);
    expect(firefox.manifest.background?.type).toBe(chrome.manifest.background?.type);
    expect(firefox.manifest.background).not.toHaveProperty('service_worker');
    expect(firefox.manifest.browser_specific_settings?.gecko?.id).toBe(STORE_EXTENSION_IDS.firefoxAddons);
    expect(firefox.manifest).not.toHaveProperty('minimum_chrome_version');
  });

  it('declares what it sends outside the extension, as addons.mozilla.org requires of new add-ons', () => {
    const required = firefox.manifest.browser_specific_settings?.gecko?.data_collection_permissions?.required ?? [];
    expect(required).toEqual(FIREFOX_DATA_COLLECTION.required);
    // Patient data leaves through the host to MyCareNet: declaring 'none' would be false.
    expect(required).toContain('healthInfo');
  });

  it('installs in Firefox ESR 128 and later', () => {
    const minimum = firefox.manifest.browser_specific_settings?.gecko?.strict_min_version;
    expect(minimum).toBe(FIREFOX_MIN_VERSION);
    expect(Number.parseInt(minimum ?? '', 10)).toBeLessThanOrEqual(128);
  });

  it('holds the same files as the Chrome package, only its manifest differs', () => {
    expect(firefox.entries).toEqual(chrome.entries);
    const differing = chrome.entries.filter((entry) => !chrome.read(entry).equals(firefox.read(entry)));
    expect(differing).toEqual(['manifest.json']);
  });
});

describe('both packages', () => {
  it('put the manifest at the archive root and hold files only', () => {
    for (const { entries, name } of packages()) {
      expect(entries, name).toContain('manifest.json');
      expect(entries.filter((entry) => entry.endsWith('/')), name).toEqual([]);
    }
  });
});
