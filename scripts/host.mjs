import { existsSync } from 'node:fs';
import process from 'node:process';

/**
 * `npm run host -- ARGS`: the host built in this checkout (`npm run build`), as `eattest-host ARGS`.
 * npm runs a script in the package's root; the host runs in the folder npm was called from
 * (INIT_CWD), so that relative file names in ARGS are the caller's. `npx eattest-host` is no
 * substitute: npx links the package's bin once into its cache, so a first call before the build
 * leaves it "not found" for good.
 */
const hostScript = new URL('../dist/native-host/eattest-host.mjs', import.meta.url);
if (!existsSync(hostScript)) {
  process.stderr.write('eattest-host is not built in this checkout: run `npm run build` first.\n');
  process.exit(1);
}
if (process.env.INIT_CWD !== undefined) process.chdir(process.env.INIT_CWD);
await import(hostScript.href);
