import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in `secret-tool` (libsecret's command line) written into `dir`, for PATH: secret-tool
 * needs a desktop keyring over D-Bus, which a CI machine has not. It keeps one secret per account
 * in `dir` and appends each call's arguments (never its stdin) to `log`.
 */
export function writeFakeSecretTool(dir: string, log: string): string {
  const fake = join(dir, 'secret-tool');
  writeFileSync(
    fake,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$*" >> '${log}'`,
      // The last argument is the account: "… service be.eattest.companion account ACCOUNT".
      'for last; do :; done',
      `vault='${dir}/vault-'"$last"`,
      'case "$1" in',
      '  store) cat > "$vault" ;;',
      '  lookup) [ -f "$vault" ] && cat "$vault" || exit 1 ;;',
      '  clear) rm -f "$vault" ;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(fake, 0o755);
  return fake;
}
