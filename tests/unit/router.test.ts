import { describe, expect, it, vi } from 'vitest';
import {
  classifySender,
  createRouter,
  messagePolicy,
  type HandlerTable,
  type RouterContext,
  type Sender,
  type SenderFacts,
} from '../../src/background/router.js';
import { Attestations, type AttestationStore } from '../../src/background/attestations.js';
import type { ConsultationDeps } from '../../src/background/consultation-handlers.js';
import { createHandlers } from '../../src/background/handlers.js';
import type { JournalAnchor } from '../../src/background/journal-anchor.js';
import { Ledger } from '../../src/background/ledger.js';
import type { NativeHostClient } from '../../src/background/native-host-client.js';
import type { HostRequest, PatientData } from '../../src/background/patient-data.js';
import { AppError } from '../../src/shared/errors.js';
import type { HostCommandName } from '../../src/shared/host-protocol.js';
import type { BackgroundReply } from '../../src/shared/extension-protocol.js';

/** Patient data that knows no tariffs: the send handler asks it for the patient's shares, nothing else. */
const noKnownShares = { knownPatientShares: () => Promise.resolve(undefined) } as unknown as PatientData;

const ID = 'kpghmhnplncbdjmflbikfegpgigphlfp';
const EXTENSION_ORIGIN = `chrome-extension://${ID}`;
const POPUP_URL = `${EXTENSION_ORIGIN}/src/popup/index.html`;
const GRANTED = 'https://ehr.example.be';

const context: RouterContext = {
  extensionId: ID,
  extensionOrigin: EXTENSION_ORIGIN,
  isGrantedOrigin: (origin) => Promise.resolve(origin === GRANTED),
};

const popupFacts: SenderFacts = { id: ID, url: POPUP_URL, origin: EXTENSION_ORIGIN };
const contentFacts: SenderFacts = { id: ID, url: `${GRANTED}/x`, origin: GRANTED, tab: { id: 7 }, frameId: 0 };

const validStatus = { hostVersion: '0.1.0', protocolVersion: 1, environment: 'simulator', certificate: null, uptimeMs: 10 } as const;

async function refusal(facts: SenderFacts): Promise<AppError> {
  try {
    await classifySender(facts, context);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`classifySender accepted ${JSON.stringify(facts)}`);
}

function fakeHandlers(overrides: Partial<Record<keyof HandlerTable, (message: unknown, sender: Sender) => unknown>> = {}) {
  const contentReady = vi.fn((message: unknown, sender: Sender): unknown => overrides['content.ready']?.(message, sender) ?? { prewarming: true });
  const hostStatus = vi.fn(
    (message: unknown, sender: Sender): unknown => overrides['host.status']?.(message, sender) ?? { connected: true, status: validStatus },
  );
  const handlers = { 'content.ready': contentReady, 'host.status': hostStatus } as unknown as HandlerTable;
  return { handlers, contentReady, hostStatus };
}

function errorOf(reply: BackgroundReply<unknown>): { code: string; details?: unknown } {
  if (reply.ok) throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
  return reply.error;
}

describe('messagePolicy', () => {
  it('lets content scripts announce, and only extension pages ask for status or patient data', () => {
    expect(messagePolicy['content.ready']).toEqual(['content-script']);
    for (const type of ['host.status', 'insurability.get', 'insurability.refresh', 'tariffs.get', 'dmg.get'] as const) {
      expect(messagePolicy[type], type).toEqual(['extension-page']);
    }
  });

  it('refuses tariffs and the DMG holder from a content script before any handler runs', async () => {
    const tariffs = vi.fn();
    const dmg = vi.fn();
    const route = createRouter({ ...fakeHandlers().handlers, 'tariffs.get': tariffs, 'dmg.get': dmg }, context);
    const ssin = '85073003328';
    for (const message of [{ type: 'tariffs.get', ssin, codes: ['101010'] }, { type: 'dmg.get', ssin }, { type: 'insurability.get', ssin, contactType: 'other' }]) {
      const error = errorOf(await route(message, contentFacts));
      expect(error.code).toBe('SENDER_NOT_ALLOWED');
    }
    expect(tariffs).not.toHaveBeenCalled();
    expect(dmg).not.toHaveBeenCalled();
  });
});

describe('classifySender', () => {
  it('refuses a sender whose stamped origin disagrees with its URL', async () => {
    await expect(classifySender({ id: ID, url: POPUP_URL, origin: GRANTED }, context)).rejects.toMatchObject({ code: 'SENDER_NOT_ALLOWED' });
    await expect(classifySender({ ...contentFacts, origin: 'https://evil.example' }, context)).rejects.toMatchObject({ code: 'SENDER_NOT_ALLOWED' });
  });

  it('classifies the popup as an extension page', async () => {
    expect(await classifySender(popupFacts, context)).toEqual({ kind: 'extension-page', url: POPUP_URL });
  });

  it('classifies an extension page without an origin field from its url', async () => {
    expect(await classifySender({ id: ID, url: POPUP_URL }, context)).toEqual({ kind: 'extension-page', url: POPUP_URL });
  });

  it('still classifies an extension page opened in a tab as an extension page', async () => {
    const url = `${EXTENSION_ORIGIN}/src/options/index.html`;
    expect(await classifySender({ id: ID, url, origin: EXTENSION_ORIGIN, tab: { id: 3 }, frameId: 0 }, context)).toEqual({
      kind: 'extension-page',
      url,
    });
  });

  it('classifies a content script of a granted origin', async () => {
    expect(await classifySender(contentFacts, context)).toEqual({ kind: 'content-script', tabId: 7, frameId: 0, origin: GRANTED });
    expect(await classifySender({ id: ID, url: `${GRANTED}/y`, tab: { id: 9 }, frameId: 4 }, context)).toEqual({
      kind: 'content-script',
      tabId: 9,
      frameId: 4,
      origin: GRANTED,
    });
  });

  it('refuses a content script of a non-granted origin', async () => {
    const error = await refusal({ id: ID, url: 'https://evil.example/x', origin: 'https://evil.example', tab: { id: 7 }, frameId: 0 });
    expect(error.code).toBe('SENDER_NOT_ALLOWED');
    expect(error.details).toEqual({ origin: 'https://evil.example' });
  });

  it('refuses a granted origin without a tab', async () => {
    expect((await refusal({ id: ID, url: `${GRANTED}/x`, origin: GRANTED })).code).toBe('SENDER_NOT_ALLOWED');
  });

  it('refuses another extension, even with our origin in its url', async () => {
    expect((await refusal({ ...popupFacts, id: 'abcdefghijklmnopabcdefghijklmnop' })).code).toBe('SENDER_NOT_ALLOWED');
    expect((await refusal({ url: POPUP_URL, origin: EXTENSION_ORIGIN })).code).toBe('SENDER_NOT_ALLOWED');
  });

  it('refuses a page whose origin field and url disagree', async () => {
    const error = await refusal({ id: ID, url: 'https://evil.example/x', origin: EXTENSION_ORIGIN });
    expect(error.code).toBe('SENDER_NOT_ALLOWED');
  });

  it('refuses a non-http origin even if the grant check would accept it', async () => {
    const permissive: RouterContext = { ...context, isGrantedOrigin: () => Promise.resolve(true) };
    await expect(classifySender({ id: ID, url: 'file:///etc/passwd', tab: { id: 1 } }, permissive)).rejects.toMatchObject({
      code: 'SENDER_NOT_ALLOWED',
    });
  });
});

describe('createRouter', () => {
  it('routes host.status from an extension page to its handler', async () => {
    const { handlers, hostStatus, contentReady } = fakeHandlers();
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'host.status' }, popupFacts);
    expect(reply).toEqual({ ok: true, result: { connected: true, status: validStatus } });
    expect(hostStatus).toHaveBeenCalledTimes(1);
    expect(hostStatus).toHaveBeenCalledWith({ type: 'host.status' }, { kind: 'extension-page', url: POPUP_URL });
    expect(contentReady).not.toHaveBeenCalled();
  });

  it('routes content.ready from a granted content script', async () => {
    const { handlers, contentReady } = fakeHandlers();
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'content.ready', href: `${GRANTED}/x` }, contentFacts);
    expect(reply).toEqual({ ok: true, result: { prewarming: true } });
    expect(contentReady).toHaveBeenCalledWith(
      { type: 'content.ready', href: `${GRANTED}/x` },
      { kind: 'content-script', tabId: 7, frameId: 0, origin: GRANTED },
    );
  });

  it('refuses host.status from a content script without calling the handler', async () => {
    const { handlers, hostStatus } = fakeHandlers();
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'host.status' }, contentFacts);
    const error = errorOf(reply);
    expect(error.code).toBe('SENDER_NOT_ALLOWED');
    expect(error.details).toEqual({ type: 'host.status', sender: 'content-script' });
    expect(hostStatus).not.toHaveBeenCalled();
  });

  it('refuses content.ready from an extension page without calling the handler', async () => {
    const { handlers, contentReady } = fakeHandlers();
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'content.ready', href: `${GRANTED}/x` }, popupFacts);
    expect(errorOf(reply).code).toBe('SENDER_NOT_ALLOWED');
    expect(contentReady).not.toHaveBeenCalled();
  });

  it('refuses any message from a non-granted page before reading it', async () => {
    const { handlers, contentReady } = fakeHandlers();
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'content.ready', href: 'https://evil.example/' }, { ...contentFacts, url: 'https://evil.example/', origin: 'https://evil.example' });
    expect(errorOf(reply).code).toBe('SENDER_NOT_ALLOWED');
    expect(contentReady).not.toHaveBeenCalled();
  });

  it('answers malformed messages with INVALID_MESSAGE', async () => {
    const { handlers, hostStatus, contentReady } = fakeHandlers();
    const route = createRouter(handlers, context);
    for (const raw of [null, 'host.status', 42, {}, { type: 'host.nuke' }, { type: 'content.ready', href: 'javascript:alert(1)' }]) {
      const reply = await route(raw, raw !== null && typeof raw === 'object' && 'href' in raw ? contentFacts : popupFacts);
      expect(errorOf(reply).code).toBe('INVALID_MESSAGE');
    }
    expect(hostStatus).not.toHaveBeenCalled();
    expect(contentReady).not.toHaveBeenCalled();
  });

  it('answers unknown keys with INVALID_MESSAGE', async () => {
    const { handlers, hostStatus } = fakeHandlers();
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'host.status', force: true }, popupFacts);
    const error = errorOf(reply);
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(JSON.stringify(error.details)).toContain('force');
    expect(hostStatus).not.toHaveBeenCalled();
  });

  it('turns a handler result that breaks its schema into INTERNAL', async () => {
    const { handlers } = fakeHandlers({ 'host.status': () => ({ connected: true, status: { hostVersion: '0.1.0' } }) });
    const route = createRouter(handlers, context);
    expect(await route({ type: 'host.status' }, popupFacts)).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'the host.status result is malformed' },
    });
  });

  it('hides the message of a plain Error thrown by a handler', async () => {
    const { handlers } = fakeHandlers({
      'host.status': () => {
        throw new Error('token=abc123');
      },
    });
    const route = createRouter(handlers, context);
    const reply = await route({ type: 'host.status' }, popupFacts);
    expect(errorOf(reply).code).toBe('INTERNAL');
    expect(JSON.stringify(reply)).not.toContain('abc123');
  });

  it('ignores claims about the sender made inside the message', async () => {
    const { handlers, hostStatus } = fakeHandlers();
    const route = createRouter(handlers, context);
    const forged = { type: 'host.status', sender: { kind: 'extension-page' }, id: ID, origin: EXTENSION_ORIGIN, url: POPUP_URL };
    // From a granted content script: classified as a content script, then the extra keys are refused.
    expect(errorOf(await route(forged, contentFacts)).code).toBe('INVALID_MESSAGE');
    // From a page that is not granted: refused on the browser-stamped facts, whatever the body says.
    const evilFacts: SenderFacts = { id: ID, url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 2 }, frameId: 0 };
    expect(errorOf(await route(forged, evilFacts))).toMatchObject({ code: 'SENDER_NOT_ALLOWED', details: { origin: 'https://evil.example' } });
    // The clean message from the content script is refused by policy: the kind came from the facts.
    expect(errorOf(await route({ type: 'host.status' }, contentFacts))).toMatchObject({
      code: 'SENDER_NOT_ALLOWED',
      details: { type: 'host.status', sender: 'content-script' },
    });
    expect(hostStatus).not.toHaveBeenCalled();
  });
});

describe('attestation.send through the router and its handler', () => {
  it('refuses a send that breaks the insurers’ rules with ATTESTATION_CHECK_FAILED; the host never sees it', async () => {
    const asked: HostCommandName[] = [];
    const host: HostRequest = (command) => {
      asked.push(command);
      return Promise.reject(new Error(`unexpected ${command}`));
    };
    const writes: unknown[] = [];
    const store: AttestationStore = {
      record: () => Promise.resolve(undefined),
      putRecord: (record) => Promise.resolve(void writes.push(record)),
      recordsOf: () => Promise.resolve([]),
      recordByAcknowledgement: () => Promise.resolve(undefined),
    };
    const attestations = new Attestations(host, store, undefined, () => new Date('2026-11-30T09:00:00Z'));
    // Only the attestation handler is exercised: the host client is not reached, the patient data only for the shares it knows (none).
    // A journal that reaches its anchors (journal-anchor.test.ts covers the other case).
    const intactJournal = { anchorForSend: () => Promise.resolve(undefined), follow: () => Promise.resolve() } as unknown as JournalAnchor;
    const handlers = createHandlers(undefined as unknown as NativeHostClient, noKnownShares, {} as ConsultationDeps, attestations, intactJournal, new Ledger({ recordsBetween: () => Promise.resolve([]) }));
    const route = createRouter(handlers, context);
    const attestation = {
      patient: { ssin: '85073003328', firstName: 'Jan', lastName: 'Peeters' },
      careDate: '2026-11-30',
      patientPaidCents: 3000,
      acts: [{ code: '102034', quantity: 1, serviceDate: '2026-11-30', amountPaidCents: 3000, placeNihii: '71010136', placeType: 'hospital' }],
    };
    const error = errorOf(await route({ type: 'attestation.send', attestation }, popupFacts));
    expect(error).toMatchObject({ code: 'ATTESTATION_CHECK_FAILED', details: { rules: 'hospitalServiceMissing@acts.0.placeServiceCode', catalogueCodes: '243' } });
    expect(asked).toEqual([]);
    expect(writes).toEqual([]);
    // With its service code, the same attestation reaches the host.
    const withService = { ...attestation, acts: [{ ...attestation.acts[0], placeServiceCode: '210' }] };
    expect(errorOf(await route({ type: 'attestation.send', attestation: withService }, popupFacts)).code).toBe('INTERNAL');
    expect(asked).toEqual(['provider']);
  });
});
