import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { STORE_EXTENSION_IDS } from '../src/shared/identity.js';
import { PRODUCT_VERSION } from '../src/shared/version.js';
import { packageDir } from './package-host.js';

/**
 * The extension as the stores take it, from the store build (`vite build --mode store`: no `key`):
 * a zip for the Chrome Web Store and Edge Add-ons, and an .xpi for Firefox (addons.mozilla.org),
 * the same files with a manifest Firefox accepts. The archives are written by Debian's `zip`
 * (the .deb is made by dpkg-deb the same way), with sorted entries and fixed times, so that the
 * same build gives the same bytes.
 */

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const storeExtensionDir = join(repoRoot, 'dist', 'store-extension');
export const chromeZipPath = join(packageDir, `eattest-companion-${PRODUCT_VERSION}-chrome.zip`);
export const firefoxXpiPath = join(packageDir, `eattest-companion-${PRODUCT_VERSION}.xpi`);

/** The oldest Firefox the .xpi installs in: ESR 128 (MV3 optional_host_permissions, module background scripts). */
export const FIREFOX_MIN_VERSION = '128.0';

/**
 * What the extension sends outside itself, as addons.mozilla.org requires new add-ons to declare
 * (Firefox 140+ asks the user's consent with it at install; ESR 128 ignores the key): the patient's
 * identity and the care given, which leave through the host to MyCareNet. Nothing goes to us.
 */
export const FIREFOX_DATA_COLLECTION = { required: ['personallyIdentifyingInfo', 'healthInfo'] } as const;

/** The manifest keys this script reads or rewrites; the rest passes through unchanged. */
export interface BuiltManifest {
  [key: string]: unknown;
  background?: { service_worker?: string; scripts?: string[]; type?: string };
  minimum_chrome_version?: string;
  browser_specific_settings?: { gecko?: { id?: string; strict_min_version?: string; data_collection_permissions?: { required?: readonly string[] } } };
}

/**
 * Firefox's manifest for the same files: Firefox runs the MV3 background as an event page
 * (`background.scripts`), not as a service worker, and takes its add-on id from
 * `browser_specific_settings.gecko` (the id the production host manifests allow). Chromium's
 * `minimum_chrome_version` goes (Firefox warns about it); the other keys keep their order.
 */
export function firefoxManifest(built: BuiltManifest): BuiltManifest {
  const { background } = built;
  if (background?.service_worker === undefined) throw new Error('the built manifest names no background service worker');
  const firefoxBackground = { scripts: [background.service_worker], ...(background.type === undefined ? {} : { type: background.type }) };
  const entries = Object.entries(built)
    .filter(([key]) => key !== 'minimum_chrome_version')
    .map(([key, value]) => [key, key === 'background' ? firefoxBackground : value] as const);
  return {
    ...Object.fromEntries(entries),
    browser_specific_settings: {
      gecko: { id: STORE_EXTENSION_IDS.firefoxAddons, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: FIREFOX_DATA_COLLECTION },
    },
  };
}

/** Every file under `dir`, as sorted '/'-separated paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1).split('\\').join('/'))
    .sort();
}

/** A fixed time for every entry (zip stores local times: written in UTC, see below). */
const ENTRY_TIME = new Date(Date.UTC(2026, 0, 1));

/** Zips `dir`'s files at the archive's root: files only (no directory entries), no owner/extra attributes. */
function zipDirectory(dir: string, archive: string): void {
  const files = filesUnder(dir);
  for (const file of files) utimesSync(join(dir, file), ENTRY_TIME, ENTRY_TIME);
  rmSync(archive, { force: true });
  execFileSync('zip', ['-q', '-X', '-D', '-9', archive, '-@'], {
    cwd: dir,
    input: `${files.join('\n')}\n`,
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

/**
 * Vite builds for production only when NODE_ENV is unset or 'production': under another NODE_ENV
 * (a shell's, or vitest's 'test') it would ship development JSX, which names every component's
 * source file by its absolute path on the building machine.
 */
async function productionBuild<T>(run: () => Promise<T>): Promise<T> {
  const callerNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await run();
  } finally {
    if (callerNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = callerNodeEnv;
  }
}

export async function packageExtension(options: { log?: (text: string) => void } = {}): Promise<{ chromeZip: string; firefoxXpi: string }> {
  const log = options.log ?? (() => undefined);
  log('building the store extension…');
  await productionBuild(() => build({ root: repoRoot, configFile: join(repoRoot, 'vite.config.ts'), mode: 'store', logLevel: 'warn' }));
  mkdirSync(packageDir, { recursive: true });

  zipDirectory(storeExtensionDir, chromeZipPath);
  log(`wrote ${chromeZipPath}`);

  const firefoxStage = join(packageDir, 'firefox-extension');
  rmSync(firefoxStage, { recursive: true, force: true });
  cpSync(storeExtensionDir, firefoxStage, { recursive: true });
  const built = JSON.parse(readFileSync(join(storeExtensionDir, 'manifest.json'), 'utf8')) as BuiltManifest;
  writeFileSync(join(firefoxStage, 'manifest.json'), `${JSON.stringify(firefoxManifest(built), null, 2)}\n`);
  zipDirectory(firefoxStage, firefoxXpiPath);
  rmSync(firefoxStage, { recursive: true, force: true });
  log(`wrote ${firefoxXpiPath}`);
  return { chromeZip: chromeZipPath, firefoxXpi: firefoxXpiPath };
}
