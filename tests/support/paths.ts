import { fileURLToPath } from 'node:url';

/** Locations of the built artefacts the integration and end-to-end tests run. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const builtExtensionDir = fileURLToPath(new URL('../../dist/extension/', import.meta.url));
export const builtHostScript = fileURLToPath(new URL('../../dist/native-host/eattest-host.mjs', import.meta.url));
