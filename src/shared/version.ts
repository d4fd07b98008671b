/** The product version, shared by the extension and the host (kept equal to package.json and manifest.json by a unit test). */
export const PRODUCT_VERSION = '0.1.0';

/**
 * The version of the background ↔ host protocol. The host and the extension must agree on it
 * exactly; it changes only when a message changes shape incompatibly.
 */
export const HOST_PROTOCOL_VERSION = 1;
