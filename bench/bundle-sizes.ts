import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { builtExtensionDir } from '../tests/support/paths.js';

/**
 * Figure 6, second half: what each part of the built extension makes the browser load, i.e. the
 * entry file plus every chunk it imports statically (dynamic imports load later, on demand).
 * Minified bytes, with the gzip size beside them for information.
 */

export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
  files: string[];
}

export interface BundleSizeFigures {
  contentScript: BundleSize;
  /** Everything the popup loads when it opens: its first render asks the background, which loads the schemas it imports on demand. */
  popup: BundleSize;
  /** For information: what the popup loads before its first paint (static imports only). */
  popupFirstPaint: BundleSize;
  background: BundleSize;
}

/** Static imports of a minified ES module: `import … from "./x.js"` and `import "./x.js"`, never `import(…)`. */
const STATIC_IMPORT = /(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g;
/** Dynamic imports with a literal specifier: `import("./x.js")`, quoted or in backticks. */
const DYNAMIC_IMPORT = /import\(\s*["'`]([^"'`]+)["'`]\s*\)/g;

function staticGraph(entry: string, followDynamic = false): BundleSize {
  const seen = new Set<string>();
  const queue = [entry];
  let minifiedBytes = 0;
  const chunks: Buffer[] = [];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === undefined || seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`the built extension lacks ${file}`);
    seen.add(file);
    const code = readFileSync(file);
    minifiedBytes += code.byteLength;
    chunks.push(code);
    const text = code.toString('utf8');
    for (const match of [...text.matchAll(STATIC_IMPORT), ...(followDynamic ? text.matchAll(DYNAMIC_IMPORT) : [])]) {
      const specifier = match[1];
      if (specifier?.startsWith('.') === true || specifier?.startsWith('/') === true) {
        queue.push(specifier.startsWith('/') ? join(builtExtensionDir, specifier) : resolve(dirname(file), specifier));
      }
    }
  }
  return {
    minifiedBytes,
    // One stream for the whole graph: roughly what a compressing transport would send.
    gzipBytes: gzipSync(Buffer.concat(chunks)).byteLength,
    files: [...seen].map((file) => file.slice(builtExtensionDir.length)),
  };
}

/** The module script an extension page loads. */
function pageScript(page: string): string {
  const html = readFileSync(join(builtExtensionDir, page), 'utf8');
  const src = /<script[^>]+type="module"[^>]+src="([^"]+)"/.exec(html)?.[1];
  if (src === undefined) throw new Error(`${page} loads no module script`);
  return src.startsWith('/') ? join(builtExtensionDir, src) : resolve(dirname(join(builtExtensionDir, page)), src);
}

export function measureBundleSizes(): BundleSizeFigures {
  const manifest = JSON.parse(readFileSync(join(builtExtensionDir, 'manifest.json'), 'utf8')) as { background?: { service_worker?: string }; action?: { default_popup?: string } };
  const worker = manifest.background?.service_worker;
  const popup = manifest.action?.default_popup;
  if (worker === undefined || popup === undefined) throw new Error('the built manifest names no service worker or popup');
  return {
    // Registered at run time by chrome.scripting as one self-contained IIFE.
    contentScript: staticGraph(join(builtExtensionDir, 'src/content/content-script.js')),
    popup: staticGraph(pageScript(popup), true),
    popupFirstPaint: staticGraph(pageScript(popup)),
    background: staticGraph(join(builtExtensionDir, worker)),
  };
}
