import type { Browser } from 'webextension-polyfill';

/**
 * The extension API for extension pages, without webextension-polyfill (10 KB of the popup): Firefox
 * has `browser` natively and Chromium's MV3 `chrome.*` returns promises for the calls pages make
 * (runtime.sendMessage, tabs, storage, permissions), so the polyfill's types describe both.
 */
export const browser: Browser = (globalThis as unknown as { browser?: Browser }).browser ?? (chrome as unknown as Browser);
