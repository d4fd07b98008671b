import { main } from '../main.js';

/**
 * The entry of the packaged host (a Node single-executable application, see scripts/package-host.ts):
 * the whole program is in this one script, compiled at packaging time with V8's code cache, so
 * there is no program folder to load and no code cache to keep in the state folder.
 *
 * In a single-executable application argv[1] is the executable again, so the arguments start at
 * argv[2] as they do under `node eattest-host.mjs`. The executable is both the launcher's "node"
 * and its host script (`install` writes `exec EXE EXE host "$@"`, which doctor reads back), so a
 * first argument naming the executable itself is that script's place and is dropped.
 */
const args = process.argv.slice(2);
main(args[0] === process.execPath ? args.slice(1) : args, { hostScript: process.execPath });
