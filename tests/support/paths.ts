import { fileURLToPath } from 'node:url';

/** Locations of the built artefacts the integration and end-to-end tests run. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const builtExtensionDir = fileURLToPath(new URL('../../dist/extension/', import.meta.url));
export const builtHostScript = fileURLToPath(new URL('../../dist/native-host/eattest-host.mjs', import.meta.url));

/**
 * The command line that runs `eattest-host`: the built host under this Node, or a packaged one
 * (scripts/package-host.ts, or the one a .deb installed), which is the whole host by itself.
 */
export function hostCommandLine(executable?: string): [string, ...string[]] {
  return executable === undefined ? [process.execPath, builtHostScript] : [executable];
}
