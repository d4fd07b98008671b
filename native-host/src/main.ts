import { fileURLToPath } from 'node:url';
import { runNativeHost } from './native-host.js';

/**
 * One program, two roles: `eattest-host host <caller…>` is what the browser starts (through the
 * launcher that `install` writes); anything else is the command line, loaded only then so that
 * the browser's host starts without it.
 */
const [role, ...args] = process.argv.slice(2);
if (role === 'host') {
  runNativeHost(args);
} else {
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(role === undefined ? [] : [role, ...args], {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    hostScript: fileURLToPath(import.meta.url),
  });
}
