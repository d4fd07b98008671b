import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crx } from '@crxjs/vite-plugin';
import { defineConfig, type Plugin } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

/**
 * crxjs exposes dynamically registered content scripts as web-accessible resources, which would
 * let any page probe for the extension. Our content script is a self-contained IIFE injected by
 * chrome.scripting, so it needs no such exposure: drop it from the built manifest.
 */
function keepContentScriptPrivate(): Plugin {
  let manifestPath = '';
  return {
    name: 'eattest:keep-content-script-private',
    apply: 'build',
    configResolved(config) {
      manifestPath = resolve(config.root, config.build.outDir, 'manifest.json');
    },
    // After crxjs has written the manifest, including its late content-script pass.
    closeBundle: {
      order: 'post',
      handler() {
        const built = JSON.parse(readFileSync(manifestPath, 'utf8')) as { web_accessible_resources?: { resources: string[] }[] };
        const remaining = (built.web_accessible_resources ?? [])
          .map((entry) => ({ ...entry, resources: entry.resources.filter((resource) => !resource.startsWith('src/content/')) }))
          .filter((entry) => entry.resources.length > 0);
        if (remaining.length > 0) built.web_accessible_resources = remaining;
        else delete built.web_accessible_resources;
        writeFileSync(manifestPath, `${JSON.stringify(built, null, 2)}\n`);
      },
    },
  };
}

/**
 * The store build (`vite build --mode store`, into dist/store-extension) carries no `key`: the store
 * gives the published extension its id (src/shared/identity.ts). The default build keeps the public
 * development key, hence the development id the tests and the demo install the host for.
 */
export function extensionManifest(mode: string): Omit<typeof manifest, 'key'> & { key?: string } {
  if (mode !== 'store') return manifest;
  const storeManifest: Omit<typeof manifest, 'key'> & { key?: string } = { ...manifest };
  delete storeManifest.key;
  return storeManifest;
}

/** The MV3 extension: service worker, content script, popup and options page, into dist/extension. */
export default defineConfig(({ mode }) => ({
  plugins: [crx({ manifest: extensionManifest(mode) }), keepContentScriptPrivate()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: mode === 'store' ? 'dist/store-extension' : 'dist/extension',
    emptyOutDir: true,
    target: 'chrome120',
    minify: true,
    sourcemap: false,
    modulePreload: false,
    // Pages the manifest does not name: the patient's supporting document.
    rolldownOptions: { input: { receipt: 'src/receipt/index.html' } },
  },
  server: { strictPort: true },
}));
