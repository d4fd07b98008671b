import { defineConfig } from 'vite';
import { HOST_EXTERNALS, HOST_MINIFY } from './vite.host-bundle.js';

/**
 * The packaged host's program: one CommonJS file, dist/package/sea/eattest-host.cjs, since a Node
 * single-executable application runs exactly one script, which can require only Node's built-in
 * modules. The chunks that the development host loads on first use (native-host/vite.config.ts)
 * are inlined; the application's own code cache (useCodeCache, scripts/package.mjs) stands in for
 * the one the development boot keeps in the state folder.
 */
export default defineConfig({
  build: {
    ssr: 'native-host/src/boot/sea.ts',
    outDir: 'dist/package/sea',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    rolldownOptions: {
      external: HOST_EXTERNALS,
      output: {
        entryFileNames: 'eattest-host.cjs',
        format: 'cjs',
        codeSplitting: false,
        // As the development build (native-host/vite.config.ts): less to compile, names kept for the log.
        minify: HOST_MINIFY,
      },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});
