import { PROFESSIONS, professionSchema } from '../../../src/shared/domain/profession.js';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { CliIo } from '../cli.js';
import { supervisorSchema, type Supervisor } from '../config.js';
import { stateDirectory } from '../state-directory.js';
import { EXPIRY_WARNING_DAYS } from './identity.js';
import { importCertificate } from './import.js';

/** `eattest-host certificate …` */

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  process.stderr.write(question);
  const reader = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    reader.question('', (answer) => {
      reader.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(values: { 'password-file'?: string | undefined; 'password-stdin'?: boolean | undefined }): Promise<string> {
  if (values['password-file'] !== undefined) return readFileSync(values['password-file'], 'utf8').replace(/\r?\n$/, '');
  if (values['password-stdin'] === true || !process.stdin.isTTY) return (await readAll(process.stdin)).replace(/\r?\n$/, '');
  return promptHidden('Keystore password: ');
}

type SupervisorFlags = Partial<Record<'supervisor-nihii' | 'supervisor-ssin' | 'supervisor-first-name' | 'supervisor-last-name', string | undefined>>;

/** A trainee's supervisor from the four flags (all or none), or what is wrong with them. */
function supervisorOf(values: SupervisorFlags): Supervisor | string | undefined {
  const given = [values['supervisor-nihii'], values['supervisor-ssin'], values['supervisor-first-name'], values['supervisor-last-name']];
  if (given.every((value) => value === undefined)) return undefined;
  if (given.some((value) => value === undefined)) return 'a supervisor takes --supervisor-nihii, --supervisor-ssin, --supervisor-first-name and --supervisor-last-name together';
  const parsed = supervisorSchema.safeParse({ nihii11: values['supervisor-nihii'], ssin: values['supervisor-ssin'], firstName: values['supervisor-first-name'], lastName: values['supervisor-last-name'] });
  if (!parsed.success) return `the supervisor is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`;
  return parsed.data;
}

export async function runCertificateCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand !== 'import') {
    io.err(
      `eattest-host: usage: eattest-host certificate import FILE.p12 [--password-file F | --password-stdin] [--password-store os|file] [--profession ${PROFESSIONS.join('|')}] [--supervisor-nihii N --supervisor-ssin S --supervisor-first-name F --supervisor-last-name L]\n`,
    );
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'password-file': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'password-store': { type: 'string', default: 'os' },
      profession: { type: 'string', default: 'doctor' },
      'supervisor-nihii': { type: 'string' },
      'supervisor-ssin': { type: 'string' },
      'supervisor-first-name': { type: 'string' },
      'supervisor-last-name': { type: 'string' },
      'state-dir': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  const passwordStore = values['password-store'];
  const profession = values.profession;
  if (file === undefined || positionals.length > 1) {
    io.err('eattest-host: give exactly one keystore file\n');
    return 2;
  }
  if (passwordStore !== 'os' && passwordStore !== 'file') {
    io.err('eattest-host: --password-store is os or file\n');
    return 2;
  }
  const knownProfession = professionSchema.safeParse(profession);
  if (!knownProfession.success) {
    io.err(`eattest-host: --profession is one of ${PROFESSIONS.join(', ')}\n`);
    return 2;
  }
  const supervisor = supervisorOf(values);
  if (typeof supervisor === 'string') {
    io.err(`eattest-host: ${supervisor}\n`);
    return 2;
  }
  if (supervisor !== undefined && knownProfession.data !== 'doctor') {
    io.err('eattest-host: only a physician in training (--profession doctor) has a supervisor\n');
    return 2;
  }
  const stored = await importCertificate({
    file,
    ...(supervisor !== undefined ? { supervisor } : {}),
    password: await readPassword(values),
    passwordStore,
    profession: knownProfession.data,
    stateDir: values['state-dir'] ?? stateDirectory(),
    now: new Date(),
  });
  const { summary } = stored;
  io.out(
    [
      'Imported your eHealth certificate.',
      `  subject         ${summary.subject}`,
      summary.organisation !== undefined ? `  organisation    ${summary.organisation.type} ${summary.organisation.id}` : `  SSIN            ${summary.ssin ?? ''}`,
      `  valid           ${summary.notBefore.slice(0, 10)} to ${summary.notAfter.slice(0, 10)}`,
      `  days to expiry  ${summary.daysToExpiry}`,
      `  key             ${stored.keyType}, ${stored.encryptionAliases.length} encryption key(s)`,
      `  password kept   ${passwordStore === 'os' ? 'in the operating system secret store' : 'in a file only you can read (development)'}`,
      ...(supervisor !== undefined ? [`  supervisor      ${supervisor.firstName} ${supervisor.lastName} (NIHII ${supervisor.nihii11}): your eAttests are attested in their name`] : []),
      ...(summary.daysToExpiry <= EXPIRY_WARNING_DAYS ? [`WARNING: the certificate expires in ${summary.daysToExpiry} days: renew it with the eHealth certificate manager.`] : []),
      '',
    ].join('\n'),
  );
  return 0;
}
