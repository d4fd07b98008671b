import { AppError, describeZodIssues, toErrorPayload } from '../../src/shared/errors.js';
import {
  hostCommands,
  hostRequestEnvelopeSchema,
  isHostCommandName,
  PROGRESS_PROTOCOL_VERSION,
  requestIdSchema,
  type HostCommandName,
  type HostProgress,
  type HostReply,
} from '../../src/shared/host-protocol.js';
import type { CommandContext, CommandTable } from './commands/context.js';
import { withProgress } from './progress.js';

/** Writes a progress frame for a request in flight (host → background only). */
export type ProgressSink = (progress: HostProgress) => void;

/**
 * Turns one decoded frame into one reply. Never throws: every failure becomes a typed error
 * reply, so a bad message cannot take the host down.
 */
export class Dispatcher {
  private handshakeDone = false;
  /** The protocol version the handshake agreed on (0 before it). */
  private agreedProtocol = 0;

  constructor(
    private readonly handlers: CommandTable,
    private readonly context: CommandContext,
  ) {}

  async handle(body: Buffer, progress?: ProgressSink): Promise<HostReply> {
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      return failure(null, new AppError('INVALID_MESSAGE', 'the message is not valid JSON'));
    }
    const envelope = hostRequestEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      return failure(readableId(raw), new AppError('INVALID_MESSAGE', 'the message is not a host request', { issues: describeZodIssues(envelope.error) }));
    }
    const { id, command, params } = envelope.data;
    if (!isHostCommandName(command)) {
      return failure(id, new AppError('UNKNOWN_COMMAND', 'the host does not know this command', { command }));
    }
    if (!this.handshakeDone && command !== 'hello') {
      return failure(id, new AppError('INVALID_MESSAGE', 'the handshake (hello) must come first', { command }));
    }
    try {
      const result = await this.run(command, params, (stage) => progress?.({ type: 'progress', id, stage }));
      if (command === 'hello') {
        this.handshakeDone = true;
        this.agreedProtocol = (result as { protocolVersion: number }).protocolVersion;
      }
      return { id, ok: true, result };
    } catch (error) {
      if (!(error instanceof AppError)) {
        this.context.log.error('command failed', { command, error: error instanceof Error ? error.name : 'unknown' });
      }
      return failure(id, error);
    }
  }

  /** The reply refusing a message unstarted (the host is busy): tied to its request when its id is readable. */
  refuse(body: Buffer, error: AppError): HostReply {
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      raw = undefined;
    }
    return failure(readableId(raw), error);
  }

  private async run(command: HostCommandName, rawParams: unknown, report: (stage: HostProgress['stage']) => void): Promise<unknown> {
    const schemas = hostCommands[command];
    const params = schemas.params.safeParse(rawParams);
    if (!params.success) {
      throw new AppError('INVALID_MESSAGE', `invalid parameters for ${command}`, { command, issues: describeZodIssues(params.error) });
    }
    // The table's type ties each handler to its command; TypeScript cannot follow that through a
    // generic index, hence the narrow cast.
    const handler = this.handlers[command] as (p: unknown, c: CommandContext) => unknown;
    // Protocol 3: what the command does deep down (a sign-in to the STS) is said to the background as it happens.
    const handle = () => handler(params.data, this.context);
    const result: unknown = await (this.agreedProtocol >= PROGRESS_PROTOCOL_VERSION ? withProgress(report, handle) : handle());
    // A result that breaks its own schema is a host bug: refuse to send it rather than mislead the extension.
    const checked = schemas.result.safeParse(result);
    if (!checked.success) {
      this.context.log.error('handler produced an invalid result', { command, issues: describeZodIssues(checked.error) });
      throw new AppError('INTERNAL', `the host produced an invalid ${command} result`);
    }
    return checked.data;
  }
}

function failure(id: string | null, error: unknown): HostReply {
  return { id, ok: false, error: toErrorPayload(error) };
}

function readableId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  const parsed = requestIdSchema.safeParse(raw.id);
  return parsed.success ? parsed.data : null;
}
