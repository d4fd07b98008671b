import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDecoder, encodeFrame } from '../../native-host/src/framing.js';
import { hostProgressSchema, hostReplySchema, type HostParams, type HostProgress, type HostReply } from '../../src/shared/host-protocol.js';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID, INSTALL_KIND_VARIABLE, chromiumOrigin } from '../../src/shared/identity.js';
import { HOST_PROTOCOL_RANGE, HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';
import { builtHostScript } from './paths.js';

/**
 * The built host started the way a browser starts it: `eattest-host host <origin>` with stdio
 * pipes. Everything the host writes on stdout must decode as frames; `stdoutBytes` keeps it all
 * so tests can check that nothing else slipped in.
 */
export interface HostProcess {
  child: ChildProcessWithoutNullStreams;
  stateDir: string;
  replies: HostReply[];
  /** The progress frames the host wrote (protocol 3), in order. */
  progress: HostProgress[];
  stdoutBytes(): Buffer;
  stderrText(): string;
  sendRaw(bytes: Buffer): void;
  send(message: unknown): void;
  request(command: string, params: unknown): Promise<HostReply>;
  nextReply(predicate?: (reply: HostReply) => boolean): Promise<HostReply>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The development build's origin: the host is started as a development install's launcher starts it. */
export const allowedOrigin = chromiumOrigin(DEVELOPMENT_CHROMIUM_EXTENSION_ID);

/**
 * `executable`: a packaged host (scripts/package-host.ts) to start instead of the built one under
 * this Node; it is the whole host, so it is started with the host's arguments alone.
 * `launcher`: a launcher `install` wrote, started as the browser starts it (with the caller alone).
 */
export function startHost(options: { args?: string[]; env?: Record<string, string>; stateDir?: string; executable?: string; launcher?: string } = {}): HostProcess {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'eattest-host-'));
  const callerArgs = options.args ?? [allowedOrigin];
  const [command, args] =
    options.launcher !== undefined
      ? [options.launcher, callerArgs]
      : options.executable !== undefined
        ? [options.executable, ['host', ...callerArgs]]
        : [process.execPath, [builtHostScript, 'host', ...callerArgs]];
  const child = spawn(command, args, {
    env: { ...process.env, EATTEST_STATE_DIR: stateDir, [INSTALL_KIND_VARIABLE]: 'development', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const decoder = new FrameDecoder(16 * 1024 * 1024);
  const stdoutChunks: Buffer[] = [];
  let stderr = '';
  const replies: HostReply[] = [];
  const progress: HostProgress[] = [];
  const waiters: { predicate: (reply: HostReply) => boolean; resolve: (reply: HostReply) => void }[] = [];
  let nextId = 1;

  child.stdout.on('data', (chunk: Buffer) => {
    stdoutChunks.push(chunk);
    for (const frame of decoder.push(chunk)) {
      if (frame.kind !== 'frame') throw new Error('the host wrote an oversized frame');
      const message: unknown = JSON.parse(frame.body.toString('utf8'));
      // Protocol 3: a progress frame for a request in flight, kept apart from the replies.
      const stage = hostProgressSchema.safeParse(message);
      if (stage.success) {
        progress.push(stage.data);
        continue;
      }
      const reply = hostReplySchema.parse(message);
      replies.push(reply);
      const index = waiters.findIndex((waiter) => waiter.predicate(reply));
      if (index >= 0) waiters.splice(index, 1)[0]?.resolve(reply);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const nextReply = (predicate: (reply: HostReply) => boolean = () => true): Promise<HostReply> => {
    const seen = replies.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ predicate, resolve }));
  };
  const sendRaw = (bytes: Buffer): void => {
    child.stdin.write(bytes);
  };
  const send = (message: unknown): void => sendRaw(encodeFrame(JSON.stringify(message), 64 * 1024 * 1024));

  return {
    child,
    stateDir,
    replies,
    progress,
    stdoutBytes: () => Buffer.concat(stdoutChunks),
    stderrText: () => stderr,
    sendRaw,
    send,
    nextReply,
    request(command, params) {
      const id = `t${nextId++}`;
      send({ id, command, params });
      return nextReply((reply) => reply.id === id);
    },
    exited,
    async stop() {
      if (child.exitCode === null) {
        child.stdin.end();
        await exited;
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The result of a reply the host must have accepted; a refusal fails the test with the host's error. */
export function resultOf(reply: HostReply): unknown {
  if (!reply.ok) throw new Error(`the host refused: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

/** The handshake as this build's extension says it; `extension` stands in for an older or newer one. */
export function hello(host: HostProcess, extension: Partial<HostParams<'hello'>> = {}): Promise<HostReply> {
  return host.request('hello', { protocolVersion: HOST_PROTOCOL_VERSION, protocolRange: HOST_PROTOCOL_RANGE, extensionVersion: PRODUCT_VERSION, ...extension });
}

/** A frame header in the machine's byte order, for tests that build frames by hand. */
export function frameHeader(length: number): Buffer {
  const header = Buffer.alloc(4);
  if (endianness() === 'LE') header.writeUInt32LE(length);
  else header.writeUInt32BE(length);
  return header;
}
