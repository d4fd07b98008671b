import { AppError } from '../../src/shared/errors.js';
import { allowedExtensions, chromiumOrigin, installKindFrom, type AllowedExtensions } from '../../src/shared/identity.js';

export interface Caller {
  browserFamily: 'chromium' | 'firefox';
  extensionId: string;
}

export type AllowedCallers = AllowedExtensions;

/** The extensions this host's install allows: its launcher names the kind (production unless it says development). */
export function installedAllowedCallers(env: Readonly<Record<string, string | undefined>> = process.env): AllowedCallers {
  return allowedExtensions(installKindFrom(env));
}

/**
 * Identifies the extension that started the host from the arguments the browser passes:
 * Chromium browsers pass the caller's origin (`chrome-extension://<id>/`, plus `--parent-window=`
 * on Windows); Firefox passes the path of the host manifest and then the add-on id.
 * Anything else, or an id not in the allowed list, is refused. The browser already refuses an
 * extension its host manifest does not list; this is the same rule, checked again by the host.
 */
export function identifyCaller(args: readonly string[], allowed: AllowedCallers = installedAllowedCallers()): Caller {
  const positional = args.filter((arg) => !arg.startsWith('--parent-window='));
  const chromiumArg = positional.find((arg) => arg.startsWith('chrome-extension://'));
  if (chromiumArg !== undefined) {
    const match = /^chrome-extension:\/\/([a-p]{32})\/$/.exec(chromiumArg);
    const id = match?.[1];
    if (id !== undefined && allowed.chromium.some((allowedId) => chromiumOrigin(allowedId) === chromiumArg)) {
      return { browserFamily: 'chromium', extensionId: id };
    }
    throw new AppError('CALLER_NOT_ALLOWED', 'the calling extension is not allowed to use this host', { caller: chromiumArg.slice(0, 80) });
  }
  const firefoxId = positional[1];
  if (positional.length >= 2 && firefoxId !== undefined && allowed.firefox.includes(firefoxId)) {
    return { browserFamily: 'firefox', extensionId: firefoxId };
  }
  throw new AppError('CALLER_NOT_ALLOWED', 'the host was started without an allowed extension origin', {
    caller: (positional[1] ?? positional[0] ?? '').slice(0, 80),
  });
}
