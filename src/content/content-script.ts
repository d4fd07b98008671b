import browser from 'webextension-polyfill';

/**
 * The content script on a granted EHR origin. For now it announces itself so that the background
 * can prewarm the host; the adapters and the in-page button build on this.
 */
void browser.runtime.sendMessage({ type: 'content.ready', href: location.href }).catch(() => undefined);
