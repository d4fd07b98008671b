import { browser } from './browser.js';
import { AppError, describeZodIssues } from '../shared/app-error.js';
import type { BackgroundMessageOf, BackgroundMessageType, BackgroundResult } from '../shared/extension-protocol.js';
import type { HostProgressStage } from '../shared/host-protocol.js';

/**
 * The schemas and zod (about 45 KB) are not needed to draw a page: they load on the first message,
 * at the same time as the background answers it, and every reply is still parsed before it is used.
 */
let protocol: Promise<typeof import('../shared/extension-protocol.js')> | undefined;
function loadProtocol(): Promise<typeof import('../shared/extension-protocol.js')> {
  protocol ??= import('../shared/extension-protocol.js');
  return protocol;
}

/** Sends a message from an extension page to the background and parses the reply with its schema. */
export async function askBackground<T extends BackgroundMessageType>(message: BackgroundMessageOf<T> & { type: T }): Promise<BackgroundResult<T>> {
  const [raw, { backgroundMessages, backgroundReplySchema }] = await Promise.all([browser.runtime.sendMessage(message), loadProtocol()]);
  const reply = backgroundReplySchema.safeParse(raw);
  if (!reply.success) throw new AppError('INVALID_MESSAGE', 'the background sent a malformed reply', { issues: describeZodIssues(reply.error) });
  if (!reply.data.ok) throw AppError.fromPayload(reply.data.error);
  const result = backgroundMessages[message.type].result.safeParse(reply.data.result);
  if (!result.success) throw new AppError('INVALID_MESSAGE', `the ${message.type} result is malformed`, { issues: describeZodIssues(result.error) });
  return result.data as BackgroundResult<T>;
}

/**
 * The host's progress the background relays (protocol 3), parsed like every message; anything else
 * is ignored. Returns the unsubscribe.
 */
export function onHostProgress(listener: (stage: HostProgressStage) => void): () => void {
  const onMessage = (message: unknown, sender: { id?: string | undefined }): undefined => {
    if (sender.id !== browser.runtime.id) return undefined;
    void loadProtocol().then(({ hostProgressNoticeSchema }) => {
      const notice = hostProgressNoticeSchema.safeParse(message);
      if (notice.success) listener(notice.data.stage);
    });
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);
  return () => browser.runtime.onMessage.removeListener(onMessage);
}
