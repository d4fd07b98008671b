import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { AppError, describeZodIssues } from '../../../src/shared/errors.js';
import { isoDateSchema } from '../../../src/shared/domain/identifiers.js';
import { contactTypeSchema, memberSubjectSchema } from '../../../src/shared/domain/insurability.js';
import { tariffsParamsSchema } from '../../../src/shared/host-protocol.js';
import { CertificateCustody } from '../certificate/custody.js';
import { storedCertificateSummary } from '../certificate/stored.js';
import type { CliIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { stateDirectory } from '../state-directory.js';
import { EhealthServices } from '../ehealth/services.js';
import { createFileLogger } from '../log.js';
import { brusselsDateTime } from './commons/kmehr.js';
import { inspectFile, NotRecognised } from './inspect.js';
import { journaledConsultation } from '../transmission/journaled-consultation.js';
import { consultInsurability } from './memberdata/consult.js';
import { consultTariffs } from './tarification/consult.js';

/**
 * The business commands on the command line, for support and for checking an installation:
 * `insurability`, `tariffs` (the same clients as the browser's commands, with the host's state)
 * and `inspect` (read a saved message). They print JSON on stdout; a typed error goes to stderr
 * as JSON with exit code 1; a usage error exits 2.
 */

export const SUPPORT_COMMANDS = ['insurability', 'tariffs', 'inspect'] as const;
export type SupportCommand = (typeof SUPPORT_COMMANDS)[number];

export const SUPPORT_USAGE = `  eattest-host insurability (--ssin S | --member REGNR@MUT) [--date YYYY-MM-DD] [--contact-type other|hospitalized] [--state-dir DIR]
      The patient's insurability as MyCareNet answers it (JSON), asked by SSIN or by registration number at a mutuality.
  eattest-host tariffs --ssin S --codes C1,C2 [--date YYYY-MM-DD] [--state-dir DIR]
      Tariffs of nomenclature codes for the patient (JSON).
  eattest-host inspect FILE
      What a saved message says: a decrypted MemberData answer, a Tarification answer, an STS assertion, an eAttest answer.
`;

class SupportUsageError extends Error {}

const supportInsurabilityParamsSchema = z.strictObject({ patient: memberSubjectSchema, date: isoDateSchema, contactType: contactTypeSchema });

/** `--ssin S` or `--member REGNR@MUT`, exactly one. */
function memberSubjectOption(ssin: string | undefined, member: string | undefined): unknown {
  if ((ssin === undefined) === (member === undefined)) throw new SupportUsageError('give --ssin or --member, one of them');
  if (ssin !== undefined) return { ssin };
  const at = (member as string).lastIndexOf('@');
  if (at < 0) throw new SupportUsageError('--member is REGNR@MUT, e.g. 0001995151258@319');
  return { registrationNumber: (member as string).slice(0, at), mutuality: (member as string).slice(at + 1) };
}

function checked<T>(schema: z.core.$ZodType<T>, value: unknown): T {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw new SupportUsageError(describeZodIssues(parsed.error));
  return parsed.data;
}

export async function runSupportCli(command: SupportCommand, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (command === 'inspect') {
      const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
      if (positionals.length !== 1 || positionals[0] === undefined) throw new SupportUsageError('give exactly one file');
      io.out(`${JSON.stringify(inspectFile(positionals[0]), null, 2)}\n`);
      return 0;
    }
    const { values } = parseArgs({
      args: argv,
      options: { ssin: { type: 'string' }, member: { type: 'string' }, date: { type: 'string' }, 'contact-type': { type: 'string' }, codes: { type: 'string' }, 'state-dir': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    const date = values.date ?? brusselsDateTime(new Date()).date;
    const stateDir = values['state-dir'] ?? stateDirectory();
    const config = loadConfig(stateDir);
    const log = createFileLogger(stateDir);
    const ehealth = new EhealthServices(config, new CertificateCustody(config, stateDir), log);
    try {
      const journaled = { stateDir, config, ehealth, log, certificateSsin: storedCertificateSummary(config, stateDir, new Date())?.ssin, via: 'cli' as const };
      let result: unknown;
      if (command === 'insurability') {
        const params = checked(supportInsurabilityParamsSchema, { patient: memberSubjectOption(values.ssin, values.member), date, contactType: values['contact-type'] ?? 'other' });
        result = await journaledConsultation(journaled, { subject: 'insurability', patient: params.patient, careDate: params.date }, () => consultInsurability({ ehealth, config, log }, params));
      } else {
        const params = checked(tariffsParamsSchema, { ssin: values.ssin, date, codes: values.codes?.split(',').map((code) => code.trim()) });
        result = await journaledConsultation(journaled, { subject: 'tariffs', patient: { ssin: params.ssin }, careDate: params.date, codes: params.codes }, () => consultTariffs({ ehealth, config, log }, params));
      }
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    } finally {
      ehealth.close();
    }
  } catch (error) {
    if (error instanceof SupportUsageError || (error instanceof TypeError && 'code' in error)) {
      io.err(`eattest-host ${command}: ${error.message}\n\nUsage:\n${SUPPORT_USAGE}`);
      return 2;
    }
    if (error instanceof NotRecognised) {
      io.err(`eattest-host inspect: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      io.err(`${JSON.stringify({ error: error.toPayload() })}\n`);
      return 1;
    }
    throw error;
  }
}
