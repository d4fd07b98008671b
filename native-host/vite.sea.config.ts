import { defineConfig } from 'vite';
import { HOST_EXTERNALS, HOST_MINIFY } from './vite.host-bundle.js';

/**
 * The packaged host's boot: one CommonJS file, dist/package/sea/eattest-host.cjs, since a Node
 * single-executable application runs exactly one script, which can require only Node's built-in
 * modules. It loads the program from the executable's assets (scripts/package-host.ts).
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
