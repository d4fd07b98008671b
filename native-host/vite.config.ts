import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

/**
 * The native host as one bundled ES module for Node (dist/native-host/eattest-host.mjs): a single
 * file starts fastest and installs by copying one path into the launcher.
 */
export default defineConfig({
  build: {
    ssr: 'native-host/src/main.ts',
    outDir: 'dist/native-host',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rolldownOptions: {
      external: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: {
        entryFileNames: 'eattest-host.mjs',
        format: 'es',
        banner: '#!/usr/bin/env node',
        codeSplitting: false,
      },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});
