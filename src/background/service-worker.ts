import browser, { type Runtime } from 'webextension-polyfill';
import { syncContentScripts, isGrantedOrigin } from './content-registration.js';
import { createHandlers } from './handlers.js';
import { NativeHostClient } from './native-host-client.js';
import { createRouter } from './router.js';
import { NATIVE_HOST_NAME } from '../shared/identity.js';

/** The background service worker: listeners are registered synchronously, as MV3 requires. */

const host = new NativeHostClient({
  connect: () => browser.runtime.connectNative(NATIVE_HOST_NAME),
  lastErrorMessage: () => chrome.runtime.lastError?.message,
  onLog: (message) => console.info(`[eattest] ${message}`),
});

const route = createRouter(createHandlers(host), {
  extensionId: browser.runtime.id,
  extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
  isGrantedOrigin: (origin) => isGrantedOrigin(browser, origin),
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));

const resync = (): void => {
  syncContentScripts(browser).catch((error: unknown) => console.warn('[eattest] content script registration failed', error));
};
browser.permissions.onAdded.addListener(resync);
browser.permissions.onRemoved.addListener(resync);
browser.runtime.onInstalled.addListener(resync);
browser.runtime.onStartup.addListener(resync);
