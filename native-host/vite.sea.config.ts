import { defineConfig } from 'vite';
import { HOST_MINIFY, hostBundle } from './vite.host-bundle.js';

/**
 * The packaged host's boot: one CommonJS file, dist/package/sea/eattest-host.cjs, since a Node
 * single-executable application runs exactly one script, which can require only Node's built-in
 * modules. It loads the program from the executable's assets (scripts/package-host.ts).
 */
export default defineConfig(
  hostBundle({
    entry: 'native-host/src/boot/sea.ts',
    outDir: 'dist/package/sea',
    emptyOutDir: true,
    output: { entryFileNames: 'eattest-host.cjs', format: 'cjs', codeSplitting: false, minify: HOST_MINIFY },
  }),
);
