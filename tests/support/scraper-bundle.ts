import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

/**
 * The content script's scraper bundled as a plain script, so that tests run it in a real Chromium
 * page (no fake DOM): it defines `globalThis.eattestScraper = { findAdapter, readConsultation }`.
 */
export async function scraperBundle(): Promise<string> {
  const entry = fileURLToPath(new URL('./scraper-entry.ts', import.meta.url));
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['iife'], name: 'eattestScraperBundle' } },
  });
  const results = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
  const chunk = results.flatMap((result) => result.output).find((item) => item.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('the scraper bundle has no code');
  return chunk.code;
}
