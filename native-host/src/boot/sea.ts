import { main } from '../main.js';

/**
 * The entry of the packaged host (a Node single-executable application, see scripts/package.mjs):
 * the whole program is in this one script, compiled at packaging time with V8's code cache, so
 * there is no program folder to load and no code cache to keep in the state folder. The
 * executable is itself what the launcher runs: in a single-executable application argv[1] is the
 * executable again, so the arguments start at argv[2] as they do under `node eattest-host.mjs`.
 */
main(process.argv.slice(2), { hostScript: process.execPath });
