import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { attestationSchema, cancelReasonSchema } from '../../../../src/shared/domain/attestation.js';
import { ssinSchema } from '../../../../src/shared/domain/identifiers.js';
import { acknowledgementNumberSchema } from '../../../../src/shared/domain/receipt.js';
import { AppError, describeZodIssues, toErrorPayload } from '../../../../src/shared/errors.js';
import { CertificateCustody } from '../../certificate/custody.js';
import type { CliIo } from '../../cli.js';
import { loadConfig } from '../../config.js';
import { armCrashPoint } from '../../transmission/crash-points.js';
import { stateDirectory } from '../../state-directory.js';
import { EhealthServices } from '../../ehealth/services.js';
import { createFileLogger } from '../../log.js';
import { cancelWithJournal } from '../../transmission/journaled-cancel.js';
import { attestWithJournal, type EattestDependencies } from '../../transmission/journaled-send.js';

/**
 * `eattest-host attest --file consultation.json [--jsis]` and `eattest-host cancel --ack N --ssin S
 * --reason C`: the same journaled send and cancel as the browser's commands, for support and
 * tests. The outcome is printed as JSON on stdout; an error as JSON on stderr (exit 1).
 */

const MAX_ATTESTATION_FILE_BYTES = 256 * 1024;
const USAGE = 'eattest-host: usage: eattest-host attest --file FILE.json [--jsis] [--state-dir DIR]\n       eattest-host cancel --ack NUMBER --ssin SSIN --reason A-G [--state-dir DIR]\n';

function usage(io: CliIo, message: string): number {
  io.err(`eattest-host: ${message}\n${USAGE}`);
  return 2;
}

async function withServices<T>(stateDir: string, work: (deps: EattestDependencies) => Promise<T>): Promise<T> {
  const config = loadConfig(stateDir);
  armCrashPoint(config.environment);
  const log = createFileLogger(stateDir);
  const custody = new CertificateCustody(config, stateDir);
  const ehealth = new EhealthServices(config, custody, log);
  try {
    return await work({ config, stateDir, log, ehealth, certificateSsin: custody.summary()?.ssin, via: 'cli' });
  } finally {
    ehealth.close();
  }
}

async function report(io: CliIo, work: () => Promise<unknown>): Promise<number> {
  try {
    io.out(`${JSON.stringify(await work(), null, 2)}\n`);
    return 0;
  } catch (error) {
    io.err(`${JSON.stringify({ error: toErrorPayload(error) }, null, 2)}\n`);
    return 1;
  }
}

export async function runEattestCli(command: 'attest' | 'cancel', argv: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { file: { type: 'string' }, jsis: { type: 'boolean' }, ack: { type: 'string' }, ssin: { type: 'string' }, reason: { type: 'string' }, 'state-dir': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  const stateDir = typeof values['state-dir'] === 'string' ? values['state-dir'] : stateDirectory();

  if (command === 'attest') {
    const file = values['file'];
    if (typeof file !== 'string') return usage(io, '--file is required');
    return report(io, async () => {
      if (statSync(file).size > MAX_ATTESTATION_FILE_BYTES) throw new AppError('MESSAGE_TOO_LARGE', `${file} is larger than ${MAX_ATTESTATION_FILE_BYTES} bytes`);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        throw new AppError('INVALID_MESSAGE', `${file} is not JSON`);
      }
      const parsed = attestationSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('INVALID_MESSAGE', `${file} is not an attestation: ${describeZodIssues(parsed.error)}`);
      return withServices(stateDir, (deps) => attestWithJournal(deps, parsed.data, { jsis: values['jsis'] === true }));
    });
  }
  const ack = acknowledgementNumberSchema.safeParse(values['ack']);
  const ssin = ssinSchema.safeParse(values['ssin']);
  const reason = cancelReasonSchema.safeParse(values['reason']);
  if (!ack.success || !ssin.success || !reason.success) return usage(io, '--ack, --ssin (a valid SSIN) and --reason (A to G) are required');
  return report(io, () => withServices(stateDir, (deps) => cancelWithJournal(deps, { acknowledgementNumber: ack.data, patientSsin: ssin.data, reason: reason.data })));
}
