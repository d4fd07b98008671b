import { parseArgs } from 'node:util';
import { abandonParamsSchema } from '../../../src/shared/host-protocol.js';
import { describeZodIssues, toErrorPayload } from '../../../src/shared/errors.js';
import type { CliIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { storedCertificateSummary } from '../certificate/stored.js';
import { createFileLogger } from '../log.js';
import { stateDirectory } from '../state-directory.js';
import { abandonSend, certificateHolderOf } from './abandon.js';

/** `eattest-host journal abandon --reference R --reason "…" [--state-dir DIR]` (see abandon.ts). */

export const ABANDON_USAGE = 'eattest-host journal abandon --reference INPUT_REFERENCE --reason "what the insurer said" [--state-dir DIR]\n';

/** Exit codes: 0 abandoned, 1 refused (not unknown, in flight, no certificate…), 2 bad usage. */
export async function runAbandonCli(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { reference?: string | undefined; reason?: string | undefined; 'state-dir'?: string | undefined };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { reference: { type: 'string' }, reason: { type: 'string' }, 'state-dir': { type: 'string' } }, allowPositionals: false, strict: true }));
  } catch (error) {
    io.err(`eattest-host: ${error instanceof Error ? error.message : String(error)}\nusage: ${ABANDON_USAGE}`);
    return 2;
  }
  const params = abandonParamsSchema.safeParse({ inputReference: values.reference, reason: values.reason });
  if (!params.success) {
    io.err(`eattest-host: ${describeZodIssues(params.error)} (the reason is 10 to 500 characters)\nusage: ${ABANDON_USAGE}`);
    return 2;
  }
  const stateDir = values['state-dir'] ?? stateDirectory();
  try {
    const config = loadConfig(stateDir);
    const holder = certificateHolderOf(storedCertificateSummary(config, stateDir, new Date()));
    const result = await abandonSend({ stateDir, log: createFileLogger(stateDir), certificateHolder: holder, via: 'cli' }, params.data);
    io.out(`Abandoned send ${result.inputReference} at ${result.abandonedAt}; a new eAttest for this patient and day may now be sent.\n`);
    return 0;
  } catch (error) {
    const payload = toErrorPayload(error);
    io.err(`eattest-host: ${payload.code}: ${payload.message}\n`);
    return 1;
  }
}
