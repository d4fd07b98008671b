import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

/**
 * The host's boot, dist/native-host/eattest-host.mjs: the file the launcher runs. It loads the
 * program that native-host/vite.config.ts builds beside it, through the code cache
 * (native-host/src/boot/code-cache.ts). Built second: it must not empty the folder.
 */
export default defineConfig({
  build: {
    ssr: 'native-host/src/boot/eattest-host.ts',
    outDir: 'dist/native-host',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: false,
    rolldownOptions: {
      external: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: {
        entryFileNames: 'eattest-host.mjs',
        format: 'es',
        banner: '#!/usr/bin/env node',
      },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});
