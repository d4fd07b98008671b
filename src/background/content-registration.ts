import type { Browser } from 'webextension-polyfill';
import { grantPatternOf } from '../shared/sites.js';
import contentScriptFile from '../content/content-script.ts?script&iife';

const CONTENT_SCRIPT_ID = 'ehr-adapter';

/**
 * The content script runs only on origins the clinician granted (optional host permissions), so it
 * is registered at run time for exactly those origins and re-synchronised whenever they change.
 */
export async function syncContentScripts(browser: Browser): Promise<string[]> {
  const granted = (await browser.permissions.getAll()).origins ?? [];
  const registered = await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (registered.length > 0) await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (granted.length > 0) {
    await browser.scripting.registerContentScripts([
      { id: CONTENT_SCRIPT_ID, matches: granted, js: [contentScriptFile], runAt: 'document_idle', allFrames: false, persistAcrossSessions: true },
    ]);
  }
  return granted;
}

/** Whether the clinician granted the site of a web origin (`scheme://host[:port]`), as the options page grants it. */
export async function isGrantedOrigin(browser: Browser, origin: string): Promise<boolean> {
  return browser.permissions.contains({ origins: [grantPatternOf(new URL(origin))] });
}
