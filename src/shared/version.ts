/** The product version, shared by the extension and the host (kept equal to package.json and manifest.json by a unit test). */
export const PRODUCT_VERSION = '0.1.0';

/**
 * The version of the background ↔ host protocol this build speaks best. It changes only when a
 * message changes shape incompatibly (2: `hello` carries each side's protocol range, which a
 * version-1 party refuses as an unknown key; 3: the host may send progress frames for a request in
 * flight, which it sends only to a background that agreed on 3 — a version-2 one would log and drop them).
 */
export const HOST_PROTOCOL_VERSION = 3;

/**
 * The protocol versions this build still speaks, as the extension and as the host (both are built
 * from this source). A pair works when the two ranges overlap; see protocol-handshake.ts.
 */
export const HOST_PROTOCOL_RANGE = { min: 2, max: HOST_PROTOCOL_VERSION } as const;

/** Where a clinician downloads the host (placeholder until the release site exists; the one place to change). */
export const HOST_DOWNLOAD_URL = 'https://eattest.example/download';
