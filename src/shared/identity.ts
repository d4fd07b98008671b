/** The native-messaging host name registered with the browsers. */
export const NATIVE_HOST_NAME = 'be.eattest.companion';

/**
 * Chromium extension ids allowed to call the host. The development id is derived from the public
 * `key` in manifest.json (a unit test checks it), so unpacked builds have a stable id.
 * A store id would be added here when the extension is published.
 */
export const CHROMIUM_EXTENSION_IDS = ['kpghmhnplncbdjmflbikfegpgigphlfp'] as const;

/** Firefox add-on ids allowed to call the host (Firefox passes the id, not an origin). */
export const FIREFOX_EXTENSION_IDS = ['eattest-companion@eattest.be'] as const;

export function chromiumOrigin(extensionId: string): string {
  return `chrome-extension://${extensionId}/`;
}
