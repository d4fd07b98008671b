import browser from 'webextension-polyfill';
import { AppError, describeZodIssues } from '../shared/errors.js';
import {
  backgroundMessages,
  backgroundReplySchema,
  type BackgroundMessageOf,
  type BackgroundMessageType,
  type BackgroundResult,
} from '../shared/extension-protocol.js';

/** Sends a message from an extension page to the background and parses the reply with its schema. */
export async function askBackground<T extends BackgroundMessageType>(message: BackgroundMessageOf<T> & { type: T }): Promise<BackgroundResult<T>> {
  const raw: unknown = await browser.runtime.sendMessage(message);
  const reply = backgroundReplySchema.safeParse(raw);
  if (!reply.success) throw new AppError('INVALID_MESSAGE', 'the background sent a malformed reply', { issues: describeZodIssues(reply.error) });
  if (!reply.data.ok) throw AppError.fromPayload(reply.data.error);
  const result = backgroundMessages[message.type].result.safeParse(reply.data.result);
  if (!result.success) throw new AppError('INVALID_MESSAGE', `the ${message.type} result is malformed`, { issues: describeZodIssues(result.error) });
  return result.data as BackgroundResult<T>;
}
