import { defineConfig } from 'vite';
import { HOST_MINIFY, hostBundle } from './vite.host-bundle.js';

/**
 * The native host bundled for Node, in two builds (no node_modules are needed at run time):
 *
 * - this one, the program: CommonJS files under dist/native-host/program/. The entry
 *   host-main.cjs holds only what the handshake needs; the command line, the commands and their
 *   libraries sit in program/chunks/ and load on first use (bench: the handshake went from ~550 ms
 *   to ~210 ms against ~150 ms for `node -e 0`). CommonJS, because the boot compiles these files
 *   itself with V8's code cache, which Node 20 offers for scripts and not for ES modules;
 * - vite.boot.config.ts, the boot: dist/native-host/eattest-host.mjs, the file the launcher runs.
 */
export default defineConfig(
  hostBundle({
    entry: 'native-host/src/main.ts',
    outDir: 'dist/native-host/program',
    emptyOutDir: true,
    output: {
      entryFileNames: 'host-main.cjs',
      format: 'cjs',
      // What the handshake does not need (the command line, the commands and their libraries) goes
      // into chunks loaded on first use: parsing one 2.5 MB file cost ~100 ms at every start.
      chunkFileNames: 'chunks/[name]-[hash].cjs',
      // Minified (2.3 MB → 1.1 MB): less to read and compile on a cold start.
      minify: HOST_MINIFY,
    },
  }),
);
