import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// zod/mini: config is read on the handshake path, where classic zod's weight showed in the start time.
// Mini carries no messages: the English ones (a small module) explain a refused configuration.
import * as z from 'zod/mini';
import { professionSchema } from '../../src/shared/domain/profession.js';
import englishMessages from 'zod/v4/locales/en.js';
import { cbeSchema, namedPhysicianSchema, type NamedPhysician } from '../../src/shared/domain/identifiers.js';
import { environmentSchema, type Environment } from '../../src/shared/host-protocol.js';
import { HOST_CALL_TIMEOUT_MAX_MS } from '../../src/shared/transmission-timing.js';
import { AppError } from '../../src/shared/errors.js';

const MAX_CONFIG_BYTES = 64 * 1024;
/** A day; also keeps timers below Node's 2^31-1 ms limit, past which they fire at once. */
const MAX_IDLE_TIMEOUT_MS = 24 * 3600 * 1000;

const endpointUrl = z.url({ protocol: /^https$/ });
const nonEmpty = z.string().check(z.minLength(1));

/**
 * A physician in training's supervisor (maître de stage / praktijkopleider): the trainee signs in
 * with their own certificate, and their eAttests are attested in the supervisor's name, the trainee
 * named in each act (PROTOCOL §8.2, "internship"). A property of the practice, not of an attestation.
 */
export const supervisorSchema = namedPhysicianSchema;
export type Supervisor = NamedPhysician;

const hostConfigObjectSchema = z.strictObject({
  environment: z._default(environmentSchema, 'simulator'),
  /** The clinician's profession decides which attributes the STS is asked for. */
  profession: z._default(professionSchema, 'doctor'),
  /** Written by `eattest-host certificate import`. */
  keystore: z.optional(
    z.strictObject({
      file: z.string().check(z.minLength(1)),
      passwordStore: z.enum(['os', 'file']),
    }),
  ),
  /** Base URL of the simulator, when environment is "simulator". */
  simulatorUrl: z._default(endpointUrl, 'https://127.0.0.1:8443'),
  /** Per-service overrides of the environment's endpoints. */
  endpoints: z.optional(
    z.partial(z.strictObject({ sts: endpointUrl, etkDepot: endpointUrl, memberData: endpointUrl, tarification: endpointUrl, eAttest: endpointUrl })),
  ),
  /** How long a MyCareNet or eHealth call may take before it is a timeout; never more than the shared worst case counts on. */
  soapTimeoutMs: z._default(z.int().check(z.gte(100), z.lte(HOST_CALL_TIMEOUT_MAX_MS)), HOST_CALL_TIMEOUT_MAX_MS),
  /**
   * Trust anchors: the TLS server CA (else the system's), and the platform's CAs per environment
   * (PEM/DER files or folders of them: see ehealth/trust/trust-store.ts). stsCaFile, one PEM file,
   * counts for every environment (the configurations written before platformCas). stsSigners pins,
   * per environment, the certificate(s) the STS signs its tokens with (files or folders, as
   * platformCas): another certificate of the same CAs is not the STS.
   */
  trust: z.optional(
    z.strictObject({
      tlsCaFile: z.optional(nonEmpty),
      stsCaFile: z.optional(nonEmpty),
      platformCas: z.optional(z.partialRecord(environmentSchema, z.array(nonEmpty).check(z.maxLength(20)))),
      stsSigners: z.optional(z.partialRecord(environmentSchema, z.array(nonEmpty).check(z.maxLength(20)))),
    }),
  ),
  /**
   * The software package as MyCareNet knows it (CommonInput/Origin/Package): its name and the licence
   * MyCareNet issued to the vendor. Optional: with the simulator, development values are used.
   */
  mycarenet: z.optional(
    z.strictObject({
      packageName: z.string().check(z.minLength(1), z.maxLength(100)),
      licenceUsername: z.string().check(z.minLength(1), z.maxLength(100)),
      licencePassword: z.string().check(z.minLength(1), z.maxLength(200)),
    }),
  ),
  /**
   * The clinician's practice: the CBE (KBO/BCE) number of the entity that collects the fees, which
   * every eAttest must name (cga paymentreceivingparty, error 100 without it) unless the attestation
   * names another one; and its name, for the patient's supporting document.
   */
  practice: z.optional(
    z.strictObject({
      collectingEntityCbe: cbeSchema,
      /** The practice's name as patients know it, printed on their supporting documents beside its company number. */
      name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(120))),
    }),
  ),
  /** Set for a physician in training only: the supervisor whose name their eAttests carry. */
  supervisor: z.optional(supervisorSchema),
  /** Milliseconds without a message after which the host exits; the browser restarts it on demand. */
  idleTimeoutMs: z._default(z.int().check(z.gte(1000), z.lte(MAX_IDLE_TIMEOUT_MS)), 30 * 60 * 1000),
});

// Only a GP's attestation names a trainee (HL7 Belgium eAttestation invariant be-inv-trainee).
export const hostConfigSchema = hostConfigObjectSchema.check(
  z.refine((config) => config.supervisor === undefined || config.profession === 'doctor', { message: 'only a physician in training has a supervisor', path: ['supervisor'] }),
);
export type HostConfig = z.infer<typeof hostConfigSchema>;

const explained = { error: englishMessages().localeError };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads `<stateDir>/config.json`; a missing file means the defaults (the embedded simulator). */
/**
 * JSON.parse whose refusal says where, never what: V8's message quotes the text around the fault,
 * which in config.json may be the licence password, and the message reaches host.log and `doctor`.
 */
function parseJsonNamingNoValue(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const before = text.slice(0, syntaxErrorOffset(text)).split('\n');
    throw new ConfigError(`${file} is not valid JSON (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`);
  }
}

/** Whether `prefix` is valid JSON or could still become valid: its only fault, if any, is at its end. */
function wellFormedSoFar(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    if (error.message.includes('Unexpected end of JSON input')) return true;
    const position = Number(/at position (\d+)/.exec(error.message)?.[1] ?? Number.NaN);
    return position >= prefix.length;
  }
}

/**
 * Where the first fault of `text` is, found by bisecting on its prefixes: V8 gives no position for
 * some faults ("Unexpected token 'Q', …"), only a quote of the text around them. At most 17 parses
 * of at most 64 KiB.
 */
function syntaxErrorOffset(text: string): number {
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (wellFormedSoFar(text.slice(0, middle))) good = middle;
    else bad = middle;
  }
  return wellFormedSoFar(text.slice(0, bad)) ? bad : good;
}

export function loadConfig(stateDir: string, env: NodeJS.ProcessEnv = process.env): HostConfig {
  let raw: unknown = {};
  const file = join(stateDir, 'config.json');
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_CONFIG_BYTES) throw new ConfigError(`${file} is larger than ${MAX_CONFIG_BYTES} bytes`);
    raw = parseJsonNamingNoValue(text, file);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
      throw error instanceof ConfigError ? error : new ConfigError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const parsed = hostConfigSchema.safeParse(raw, explained);
  if (!parsed.success) throw new ConfigError(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const idle = env['EATTEST_IDLE_TIMEOUT_MS'];
  if (idle !== undefined && idle !== '') {
    const value = Number(idle);
    if (!Number.isInteger(value) || value < 100 || value > MAX_IDLE_TIMEOUT_MS) {
      throw new ConfigError(`EATTEST_IDLE_TIMEOUT_MS must be an integer from 100 to ${MAX_IDLE_TIMEOUT_MS}`);
    }
    config.idleTimeoutMs = value;
  }
  return config;
}

/** Updates config.json, keeping what the user wrote there; the result must still be valid. */
export function updateConfig(stateDir: string, change: (raw: Record<string, unknown>) => void): HostConfig {
  const file = join(stateDir, 'config.json');
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    const parsed = parseJsonNamingNoValue(readFileSync(file, 'utf8'), file);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
  }
  change(raw);
  const checked = hostConfigSchema.safeParse(raw, explained);
  if (!checked.success) throw new ConfigError(`the new configuration would be invalid: ${z.prettifyError(checked.error)}`);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  return checked.data;
}

/**
 * The supervisor a physician in training's eAttests name, checked against the signed-in provider as
 * the STS certified them: a supervisor who is the provider themself, or a provider who is not a
 * physician, is a configuration the platform would refuse (errors 156, 140), so nothing is sent.
 */
export function supervisorFor(config: HostConfig, provider: { nihii11: string; profession: string }): Supervisor | undefined {
  const { supervisor } = config;
  if (supervisor === undefined) return undefined;
  if (provider.profession !== 'doctor' || supervisor.nihii11 === provider.nihii11) {
    throw new AppError('HOST_MISCONFIGURED', 'the supervisor in config.json is for a physician in training, and is another physician than the one signed in', { setting: 'supervisor' });
  }
  return supervisor;
}

export type { Environment };
