import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stateDirectory } from '../state-directory.js';
import { CodeCachedModules } from './code-cache.js';

/**
 * The host's entry file, the one the launcher runs: it loads the program (CommonJS files under
 * program/, see native-host/vite.config.ts) through the code cache and hands over.
 */
type Program = typeof import('../main.js');

const hostScript = fileURLToPath(import.meta.url);
const programDir = join(dirname(hostScript), 'program');
const codeCache = new CodeCachedModules({
  root: programDir,
  cacheDir: join(stateDirectory(), 'code-cache'),
  nodeRequire: createRequire(import.meta.url),
});
const program = codeCache.require(join(programDir, 'host-main.cjs')) as Program;
program.main(process.argv.slice(2), { hostScript, codeCache });
