import { AppError, describeZodIssues, toErrorPayload } from '../shared/errors.js';
import {
  backgroundMessageSchema,
  backgroundMessages,
  type BackgroundMessageOf,
  type BackgroundMessageType,
  type BackgroundReply,
  type BackgroundResult,
} from '../shared/extension-protocol.js';

/** The facts the browser stamps on a message's sender (runtime.MessageSender), never taken from the message. */
export interface SenderFacts {
  id?: string | undefined;
  url?: string | undefined;
  origin?: string | undefined;
  tab?: { id?: number | undefined } | undefined;
  frameId?: number | undefined;
}

export type Sender =
  | { kind: 'extension-page'; url: string }
  | { kind: 'content-script'; tabId: number; frameId: number; origin: string };
export type SenderKind = Sender['kind'];

/**
 * Which sender may send which message. Extension pages are where a clinician acts; content
 * scripts run inside an untrusted EHR page and may only propose and announce.
 */
export const messagePolicy: { readonly [T in BackgroundMessageType]: readonly SenderKind[] } = {
  'content.ready': ['content-script'],
  'host.status': ['extension-page'],
  // The page's only ways in: propose what it shows, and ask for the popup after a trusted click.
  'consultation.proposed': ['content-script'],
  'popup.open': ['content-script'],
  'consultation.current': ['extension-page'],
  // How the popup was opened: asked by the popup itself, never by the page.
  'popup.opened': ['extension-page'],
  // Patient data: only where a clinician acts. Tariffs and the DMG holder are never asked by a
  // content script or automatically (PROTOCOL rules 3 and 4).
  'insurability.cached': ['extension-page'],
  'insurability.get': ['extension-page'],
  'insurability.refresh': ['extension-page'],
  'tariffs.get': ['extension-page'],
  'dmg.get': ['extension-page'],
  // Sending and cancelling happen only where the clinician confirms.
  'attestation.send': ['extension-page'],
  'attestation.cancel': ['extension-page'],
  'attestation.abandon': ['extension-page'],
  'attestation.today': ['extension-page'],
  'attestation.record': ['extension-page'],
  // The practice's bookkeeping: patient data, asked only where the clinician acts.
  'ledger.export': ['extension-page'],
};

export interface RouterContext {
  extensionId: string;
  /** `chrome-extension://<id>` (Chromium) or `moz-extension://<uuid>` (Firefox), without the trailing slash. */
  extensionOrigin: string;
  isGrantedOrigin(origin: string): Promise<boolean>;
}

function webOriginOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
}

/**
 * Classifies a sender from browser-stamped facts. An extension page is any document of our own
 * origin (the popup, the options page, a receipt opened in a tab); a content script is a frame
 * of a web page whose origin the clinician granted. Anything else is refused.
 */
export async function classifySender(facts: SenderFacts, context: RouterContext): Promise<Sender> {
  if (facts.id !== context.extensionId) {
    throw new AppError('SENDER_NOT_ALLOWED', 'message from another extension');
  }
  // Compared as strings: only browsers give extension URLs a real origin.
  const url = facts.url ?? '';
  const fromExtensionOrigin = url.startsWith(`${context.extensionOrigin}/`) && (facts.origin === undefined || facts.origin === context.extensionOrigin);
  if (fromExtensionOrigin) return { kind: 'extension-page', url };
  const origin = webOriginOf(url);
  const originAgrees = facts.origin === undefined || facts.origin === origin;
  const tabId = facts.tab?.id;
  if (tabId !== undefined && origin !== undefined && originAgrees && (await context.isGrantedOrigin(origin))) {
    return { kind: 'content-script', tabId, frameId: facts.frameId ?? 0, origin };
  }
  throw new AppError('SENDER_NOT_ALLOWED', 'message from a page that is not a granted EHR site', { origin: origin ?? 'unknown' });
}

export type MessageHandler<T extends BackgroundMessageType> = (
  message: BackgroundMessageOf<T>,
  sender: Sender,
) => BackgroundResult<T> | Promise<BackgroundResult<T>>;
export type HandlerTable = { readonly [T in BackgroundMessageType]: MessageHandler<T> };

/** Sender preflight, then schema parse, then the allowlist, then the handler; every failure is a typed reply. */
export function createRouter(handlers: HandlerTable, context: RouterContext) {
  return async function route(raw: unknown, facts: SenderFacts): Promise<BackgroundReply<unknown>> {
    try {
      const sender = await classifySender(facts, context);
      const parsed = backgroundMessageSchema.safeParse(raw);
      if (!parsed.success) {
        throw new AppError('INVALID_MESSAGE', 'the message does not match any known message', { issues: describeZodIssues(parsed.error) });
      }
      const message = parsed.data;
      if (!messagePolicy[message.type].includes(sender.kind)) {
        throw new AppError('SENDER_NOT_ALLOWED', `${message.type} is not accepted from a ${sender.kind}`, { type: message.type, sender: sender.kind });
      }
      // Each handler is tied to its message type by HandlerTable; TypeScript cannot follow that
      // through the union, hence the narrow cast.
      const handler = handlers[message.type] as (m: typeof message, s: Sender) => unknown;
      const result: unknown = await handler(message, sender);
      const checked = backgroundMessages[message.type].result.safeParse(result);
      if (!checked.success) throw new AppError('INTERNAL', `the ${message.type} result is malformed`);
      return { ok: true, result: checked.data };
    } catch (error) {
      return { ok: false, error: toErrorPayload(error) };
    }
  };
}
