import { AppError } from '../../src/shared/errors.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { MAX_HOST_TO_BROWSER_BYTES } from '../../src/shared/limits.js';
import type { CacheState, CodeCachedModules } from './boot/code-cache.js';
import { identifyCaller, type Caller } from './caller.js';
import type { CommandContext, CommandTable } from './commands/context.js';
import { lazyCommandHandlers } from './commands/lazy.js';
import { loadConfig, type HostConfig } from './config.js';
import { stateDirectory } from './state-directory.js';
import { Dispatcher } from './dispatch.js';
import { encodeFrame } from './framing.js';
import { storedCertificateSummary } from './certificate/stored.js';
import { runSession } from './host-session.js';
import { createFileLogger, type Logger } from './log.js';

type HostServices = typeof import('./host-services.js');

/** Native-messaging mode: started by the browser, speaks frames on stdin/stdout until the port closes. */
export function runNativeHost(args: readonly string[], codeCache?: CodeCachedModules): void {
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
  const { context, load } = lazyContext({ config, stateDir, log, caller, startedAt }, codeCache);
  const handlers = lazyCommandHandlers(load);
  // Whether this process ran a send or its rehearsal: then its compiled code is worth keeping.
  let sendPathRan = false;
  const dispatcher = new Dispatcher(
    {
      ...handlers,
      attest: (params, commandContext) => {
        sendPathRan = true;
        return handlers.attest(params, commandContext);
      },
      warm: (params, commandContext) => {
        sendPathRan = true;
        return handlers.warm(params, commandContext);
      },
    } satisfies CommandTable,
    context,
  );
  runSession(
    {
      input: process.stdin,
      writeFrame,
      exit: (code) => {
        log.info('host exiting', { code });
        // Every reply written so far reaches the browser before the process ends.
        process.stdout.write('', () => {
          if (codeCache !== undefined) saveCodeCache(codeCache, sendPathRan, log);
          process.exit(code);
        });
      },
    },
    dispatcher,
    log,
    config.idleTimeoutMs,
  );
}

/**
 * On leaving, when nobody waits any more: the compiled program is kept for the next cold start
 * (boot/code-cache.ts) if some of it had no cache entry, or if this process sent (or rehearsed a
 * send), so that the entry holds the send path's code too. A process that only answered status or
 * insurability leaves a good entry alone.
 */
function saveCodeCache(codeCache: CodeCachedModules, sendPathRan: boolean, log: Logger): void {
  if (!sendPathRan && !codeCache.hasMisses()) return;
  const started = performance.now();
  try {
    const written = codeCache.save();
    log.info('code cache saved', { files: written, elapsedMs: Math.round(performance.now() - started) });
  } catch (error) {
    // The next start compiles from source: slower, never wrong.
    log.warn('code cache not saved', { error: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });
  }
}

/**
 * The command context with its heavy parts (certificate custody, eHealth services) created from
 * the lazily loaded modules. Handlers other than the handshake and `status` run only after `load()`
 * (see commands/lazy.ts), so the getters never find the modules missing.
 */
function lazyContext(
  base: { config: HostConfig; stateDir: string; log: Logger; caller: Caller; startedAt: number },
  codeCache: CodeCachedModules | undefined,
): { context: CommandContext; load: () => Promise<HostServices['commandHandlers']> } {
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
    base.log.info('host services loaded', { elapsedMs: Math.round(performance.now() - started), ...codeCacheStates(codeCache) });
    return handlers;
  };
  return { context, load };
}

/** How many loaded program files found their code cache entry accepted, absent or rejected. */
function codeCacheStates(codeCache: CodeCachedModules | undefined): Record<string, number> {
  if (codeCache === undefined) return {};
  const files = codeCache.loaded();
  const count = (state: CacheState): number => files.filter((file) => file.cache === state).length;
  return { codeCacheAccepted: count('accepted'), codeCacheAbsent: count('absent'), codeCacheRejected: count('rejected') };
}
