import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtExtensionDir } from './paths.js';

/**
 * A copy of the built extension whose manifest grants the given origins up front. Headless Chromium
 * cannot answer the permission prompt that `permissions.request` shows, so the e2e tests grant the
 * demo EHR origin this way; the extension then treats it exactly like an origin granted in the
 * options page (permissions.getAll lists it, the content script is registered for it). The copy
 * keeps the manifest key, hence the extension id.
 */
export function writeGrantedExtension(dir: string, origins: readonly string[]): void {
  rmSync(dir, { recursive: true, force: true });
  cpSync(builtExtensionDir, dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  manifest['host_permissions'] = [...origins];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

/** The same, in a temporary folder the caller removes. */
export function extensionWithGrantedOrigins(origins: readonly string[]): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'eattest-granted-'));
  const dir = join(root, 'extension');
  writeGrantedExtension(dir, origins);
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
