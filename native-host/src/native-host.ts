import { AppError } from '../../src/shared/errors.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { MAX_HOST_TO_BROWSER_BYTES } from '../../src/shared/limits.js';
import { identifyCaller, type Caller } from './caller.js';
import type { CommandContext } from './commands/context.js';
import { lazyCommandHandlers } from './commands/lazy.js';
import { loadConfig, stateDirectory, type HostConfig } from './config.js';
import { Dispatcher } from './dispatch.js';
import { encodeFrame } from './framing.js';
import { storedCertificateSummary } from './certificate/stored.js';
import { runSession } from './host-session.js';
import { createFileLogger, type Logger } from './log.js';

type HostServices = typeof import('./host-services.js');

/** Native-messaging mode: started by the browser, speaks frames on stdin/stdout until the port closes. */
export function runNativeHost(args: readonly string[]): void {
  const startedAt = Date.now();
  // stdout carries frames only: anything a library prints goes to stderr instead.
  const toStderr = (...values: unknown[]): void => {
    process.stderr.write(`${values.map(String).join(' ')}\n`);
  };
  Object.assign(console, { log: toStderr, info: toStderr, debug: toStderr, warn: toStderr });
  const stateDir = stateDirectory();
  const log = createFileLogger(stateDir);

  const writeFrame = (frame: Buffer): void => {
    process.stdout.write(frame);
  };
  /** Tells the browser why the host will not serve it, then exits once the frame is written. */
  const refuse = (error: AppError): void => {
    const reply: HostReply = { id: null, ok: false, error: error.toPayload() };
    process.stdout.write(encodeFrame(JSON.stringify(reply), MAX_HOST_TO_BROWSER_BYTES), () => process.exit(1));
  };

  process.stdout.on('error', (error: Error) => {
    log.warn('stdout closed', { error: error.message });
    process.exit(0);
  });
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception', { error: error.name });
    process.exit(70);
  });

  let caller: Caller;
  try {
    caller = identifyCaller(args);
  } catch (error) {
    log.warn('refused a caller', { args: args.join(' ').slice(0, 200) });
    refuse(error instanceof AppError ? error : new AppError('CALLER_NOT_ALLOWED', 'caller refused'));
    return;
  }
  let config: HostConfig;
  try {
    config = loadConfig(stateDir);
  } catch (error) {
    log.error('configuration invalid', { error: error instanceof Error ? error.message : 'unknown' });
    refuse(new AppError('HOST_MISCONFIGURED', 'the host configuration is invalid; run `eattest-host doctor`'));
    return;
  }

  log.info('host started', { pid: process.pid, caller: caller.extensionId, environment: config.environment });
  const { context, load } = lazyContext({ config, stateDir, log, caller, startedAt });
  const dispatcher = new Dispatcher(lazyCommandHandlers(load), context);
  runSession(
    {
      input: process.stdin,
      writeFrame,
      exit: (code) => {
        log.info('host exiting', { code });
        // Every reply written so far reaches the browser before the process ends.
        process.stdout.write('', () => process.exit(code));
      },
    },
    dispatcher,
    log,
    config.idleTimeoutMs,
  );
}

/**
 * The command context with its heavy parts (certificate custody, eHealth services) created from
 * the lazily loaded modules. Handlers other than the handshake and `status` run only after `load()`
 * (see commands/lazy.ts), so the getters never find the modules missing.
 */
function lazyContext(base: { config: HostConfig; stateDir: string; log: Logger; caller: Caller; startedAt: number }): { context: CommandContext; load: () => Promise<HostServices['commandHandlers']> } {
  let services: { ehealth: InstanceType<HostServices['EhealthServices']> } | undefined;
  let handlers: HostServices['commandHandlers'] | undefined;
  const ready = () => {
    if (services === undefined) throw new AppError('INTERNAL', 'a command ran before the host services were loaded');
    return services;
  };
  const context: CommandContext = {
    ...base,
    // From the public summary file, so that `status` never loads custody's libraries.
    certificateSummary: () => storedCertificateSummary(base.config, base.stateDir, new Date()),
    get ehealth() {
      return ready().ehealth;
    },
  };
  const load = async (): Promise<HostServices['commandHandlers']> => {
    if (handlers !== undefined) return handlers;
    const started = performance.now();
    const loaded = await import('./host-services.js');
    const custody = new loaded.CertificateCustody(base.config, base.stateDir);
    services = { ehealth: new loaded.EhealthServices(base.config, custody, base.log) };
    handlers = loaded.commandHandlers;
    base.log.info('host services loaded', { elapsedMs: Math.round(performance.now() - started) });
    return handlers;
  };
  return { context, load };
}
