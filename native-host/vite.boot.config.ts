import { defineConfig } from 'vite';
import { hostBundle } from './vite.host-bundle.js';

/**
 * The host's boot, dist/native-host/eattest-host.mjs: the file the launcher runs. It loads the
 * program that native-host/vite.config.ts builds beside it, through the code cache
 * (native-host/src/boot/code-cache.ts). Built second: it must not empty the folder.
 */
export default defineConfig(
  hostBundle({
    entry: 'native-host/src/boot/eattest-host.ts',
    outDir: 'dist/native-host',
    emptyOutDir: false,
    output: { entryFileNames: 'eattest-host.mjs', format: 'es', banner: '#!/usr/bin/env node' },
  }),
);
