import type { CodeCachedModules } from './boot/code-cache.js';
import { runNativeHost } from './native-host.js';

/** What the boot (boot/eattest-host.ts) hands the program it loaded. */
export interface ProgramBoot {
  /** The boot's own file: what the launcher runs. */
  hostScript: string;
  /** The loader that compiled this program, with its code cache (the host saves it on leaving). */
  codeCache?: CodeCachedModules;
}

/**
 * One program, two roles: `eattest-host host <caller…>` is what the browser starts (through the
 * launcher that `install` writes); anything else is the command line, loaded only then so that
 * the browser's host starts without it.
 */
export function main(argv: readonly string[], boot: ProgramBoot): void {
  const [role, ...args] = argv;
  if (role === 'host') {
    runNativeHost(args, boot.codeCache);
    return;
  }
  void import('./cli.js').then(async ({ runCli }) => {
    process.exitCode = await runCli(role === undefined ? [] : [role, ...args], {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      hostScript: boot.hostScript,
    });
  });
}
