/** Size limits on everything that crosses a boundary. */

/** Chrome refuses host → browser messages over 1 MiB; we never try to send one. */
export const MAX_HOST_TO_BROWSER_BYTES = 1024 * 1024;

/** Our requests are small business commands; anything larger is refused unread. */
export const MAX_BROWSER_TO_HOST_BYTES = 1024 * 1024;

/** Longest URL accepted from a content script. */
export const MAX_URL_LENGTH = 2048;

/** A language's catalog of messages (_locales/<lang>/messages.json, ~40 KB today); a larger one is refused unread. */
export const MAX_CATALOG_BYTES = 256 * 1024;
