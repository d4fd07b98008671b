import { describe, expect, it, vi } from 'vitest';
import { createConsultationHandlers, customAdaptersFor } from '../../src/background/consultation-handlers.js';
import { openPopupFor, PopupOpenings, type PopupApis } from '../../src/background/popup-opener.js';
import { patientLanguageOfTab, ProposalStore, type Badge, type SessionArea } from '../../src/background/proposals.js';
import { createRouter, messagePolicy, type HandlerTable, type SenderFacts } from '../../src/background/router.js';
import { writeAcknowledgementBack, writeAcknowledgementToTab } from '../../src/background/write-back.js';
import { BUILT_IN_ADAPTERS } from '../../src/content/adapters/index.js';
import type { Adapter } from '../../src/shared/adapters/adapter-schema.js';
import type { ConsultationReading } from '../../src/shared/domain/consultation.js';

function fakeSession(): SessionArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (key) => Promise.resolve(data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: (items) => {
      for (const [key, value] of Object.entries(items)) data.set(key, structuredClone(value));
      return Promise.resolve();
    },
    remove: (key) => {
      data.delete(key);
      return Promise.resolve();
    },
  };
}

const ORIGIN = 'http://127.0.0.1:8765';
const NOW = new Date('2026-03-12T09:00:00Z');
const act = { code: '101076', quantity: '1', amountPaid: '30.00', supplement: null, tooth: null, side: null, place: null, prescriber: null };
const peeters: ConsultationReading = {
  adapterId: 'medispa',
  patient: { ssin: '85073003328', familyName: 'PEETERS', firstName: 'Jan', birthDate: '1985-07-30' },
  consultation: { date: '2026-03-12', providerHint: null },
  acts: [act],
};
const dubois: ConsultationReading = {
  adapterId: 'medispa',
  patient: { ssin: '92021412642', familyName: 'DUBOIS', firstName: 'Sophie', birthDate: null },
  consultation: { date: '2026-03-12', providerHint: null },
  acts: [],
};

function store(session = fakeSession(), tabOrigin = ORIGIN) {
  const badge: Badge & { shown: [number, string][] } = {
    shown: [],
    show(tabId, state) {
      this.shown.push([tabId, state]);
      return Promise.resolve();
    },
  };
  let next = 0;
  const proposals = new ProposalStore({
    session,
    badge,
    tabOrigin: () => Promise.resolve(tabOrigin),
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
  });
  return { proposals, badge, session };
}

const from = { tabId: 4, frameId: 0, origin: ORIGIN };

describe('ProposalStore', () => {
  it('keeps the latest proposal per tab and shows it in the badge', async () => {
    const { proposals, badge } = store();
    const first = await proposals.propose(peeters, from);
    expect(first?.patient.ssin.value).toBe('85073003328');
    expect(await proposals.current(4)).toEqual(first);
    expect(await proposals.current(5)).toBeNull();
    expect(badge.shown).toEqual([[4, 'ready']]);
  });

  it('replaces the proposal whole for another patient: nothing of the previous one remains', async () => {
    const { proposals, badge } = store();
    const first = await proposals.propose(peeters, from);
    const second = await proposals.propose(dubois, from);
    expect(second?.id).not.toBe(first?.id);
    const current = await proposals.current(4);
    expect(current?.patient.ssin.value).toBe('92021412642');
    expect(current?.acts).toEqual([]);
    expect(current?.patient.birthDate.raw).toBeNull();
    expect(badge.shown.at(-1)).toEqual([4, 'problems']);
  });

  it('keeps the proposal and its id while the page reads the same, and takes a new id for any change', async () => {
    const { proposals } = store();
    const first = await proposals.propose(peeters, from);
    expect((await proposals.propose(structuredClone(peeters), from))?.id).toBe(first?.id);
    const changed = await proposals.propose({ ...peeters, acts: [{ ...act, amountPaid: '999.00' }] }, from);
    expect(changed?.id).not.toBe(first?.id);
    expect(first?.acts[0]?.amountPaid.value).toBe(3000);
  });

  it('clears on "no consultation here" and when the tab shows another origin', async () => {
    const { proposals, badge } = store();
    await proposals.propose(peeters, from);
    expect(await proposals.propose(null, from)).toBeNull();
    expect(await proposals.current(4)).toBeNull();
    expect(badge.shown.at(-1)).toEqual([4, 'none']);
    const session = fakeSession();
    await store(session).proposals.propose(peeters, from);
    expect(await store(session, 'https://elsewhere.example').proposals.current(4)).toBeNull();
    expect(session.data.size).toBe(0);
  });

  it('survives a worker restart (a new store on the same session storage) and drops malformed entries', async () => {
    const session = fakeSession();
    const proposal = await store(session).proposals.propose(peeters, from);
    expect(await store(session).proposals.current(4)).toEqual(proposal);
    session.data.set('proposal:4', { reading: '{}', proposal: { id: 'not-a-uuid' } });
    expect(await store(session).proposals.current(4)).toBeNull();
  });
});

describe('the patient’s language', () => {
  it('travels from the page’s reading to the send, only while the tab shows that patient', async () => {
    const { proposals } = store();
    await proposals.propose({ ...peeters, patientLanguage: 'nl-BE' }, from);
    expect((await proposals.current(4))?.patientLanguage).toBe('nl');
    expect(await patientLanguageOfTab(proposals, 4, '85073003328')).toBe('nl');
    expect(await patientLanguageOfTab(proposals, 4, '92021412642')).toBeUndefined();
    expect(await patientLanguageOfTab(proposals, 5, '85073003328')).toBeUndefined();
  });

  it('is left out when the page gives none or one we do not speak', async () => {
    const { proposals } = store();
    expect(await proposals.propose({ ...peeters, patientLanguage: 'espagnol' }, from)).not.toHaveProperty('patientLanguage');
    expect(await proposals.propose({ ...dubois, patientLanguage: null }, from)).not.toHaveProperty('patientLanguage');
    // A hostile page's markup is no language: nothing of it reaches the proposal or the receipt.
    expect(await proposals.propose({ ...peeters, patientLanguage: 'fr"><img src=x onerror=alert(1)>' }, from)).not.toHaveProperty('patientLanguage');
  });
});

describe('opening the popup', () => {
  const apis = (openPopup: PopupApis['openPopup']) => {
    const openWindow = vi.fn(() => Promise.resolve());
    return { openWindow, apis: { openPopup, openWindow, popupUrl: (tabId: number) => `chrome-extension://x/src/popup/index.html?tab=${tabId}` } };
  };

  it('uses the toolbar popup where the browser allows it', async () => {
    const { apis: popup, openWindow } = apis(() => Promise.resolve());
    expect(await openPopupFor(popup, 7, 1)).toBe('popup');
    expect(openWindow).not.toHaveBeenCalled();
  });

  it('falls back to an extension window on the tab', async () => {
    const { apis: popup, openWindow } = apis(() => Promise.reject(new Error('no focused window')));
    expect(await openPopupFor(popup, 7, 1)).toBe('window');
    expect(openWindow).toHaveBeenCalledWith('chrome-extension://x/src/popup/index.html?tab=7');
  });
});

describe('write-back', () => {
  it('sends the number for the proposal’s patient to its tab and frame', async () => {
    const proposal = await store().proposals.propose(peeters, { ...from, frameId: 2 });
    if (proposal === null) throw new Error('no proposal');
    const sendToTab = vi.fn(() => Promise.resolve({ written: true }));
    expect(await writeAcknowledgementBack(sendToTab, proposal, '500-1-260212-5960827-60')).toEqual({ written: true });
    expect(sendToTab).toHaveBeenCalledWith(4, { type: 'content.writeBack', proposalId: proposal.id, ssin: '85073003328', acknowledgement: '500-1-260212-5960827-60' }, 2);
  });

  it('from a tab and a patient: writes only while the tab’s proposal is that patient’s', async () => {
    const { proposals } = store();
    await proposals.propose(peeters, from);
    const sendToTab = vi.fn(() => Promise.resolve({ written: true }));
    expect(await writeAcknowledgementToTab(proposals, sendToTab, 4, '90011720617', '500-1-260212-5960827-60')).toEqual({ written: false, reason: 'patientChanged' });
    expect(await writeAcknowledgementToTab(proposals, sendToTab, 5, '85073003328', '500-1-260212-5960827-60')).toEqual({ written: false, reason: 'patientChanged' });
    expect(sendToTab).not.toHaveBeenCalled();
    expect(await writeAcknowledgementToTab(proposals, sendToTab, 4, '85073003328', '500-1-260212-5960827-60')).toEqual({ written: true });
  });

  it('reports a closed tab or a malformed answer as not written', async () => {
    const proposal = await store().proposals.propose(peeters, from);
    if (proposal === null) throw new Error('no proposal');
    expect(await writeAcknowledgementBack(() => Promise.reject(new Error('no receiver')), proposal, '500-1-260212-5960827-60')).toEqual({ written: false, reason: 'patientChanged' });
    expect(await writeAcknowledgementBack(() => Promise.resolve({ written: 'yes' }), proposal, '500-1-260212-5960827-60')).toEqual({ written: false, reason: 'invalid' });
  });
});

describe('consultation messages through the router', () => {
  const ID = 'kpghmhnplncbdjmflbikfegpgigphlfp';
  const context = { extensionId: ID, extensionOrigin: `chrome-extension://${ID}`, isGrantedOrigin: (origin: string) => Promise.resolve(origin === ORIGIN) };
  const contentFacts: SenderFacts = { id: ID, url: `${ORIGIN}/medispa/patients/p1`, origin: ORIGIN, tab: { id: 4 }, frameId: 0 };
  const popupFacts: SenderFacts = { id: ID, url: `chrome-extension://${ID}/src/popup/index.html`, origin: `chrome-extension://${ID}` };

  function route() {
    const { proposals } = store();
    const openPopup = vi.fn(() => Promise.resolve('window' as const));
    const session = fakeSession();
    const handlers = createConsultationHandlers({ proposals, customAdapters: () => Promise.resolve([]), openPopup, popupOpenings: new PopupOpenings(session), sendToTab: () => Promise.resolve(undefined) });
    // Only the consultation handlers are exercised here.
    return { openPopup, session, route: createRouter(handlers as unknown as HandlerTable, context) };
  }

  it('lets a content script propose, open the popup and announce itself, and nothing else', () => {
    const allowed = Object.entries(messagePolicy).filter(([, kinds]) => kinds.includes('content-script')).map(([type]) => type);
    expect(allowed.sort()).toEqual(['consultation.proposed', 'content.ready', 'popup.open']);
    expect(messagePolicy['popup.opened']).toEqual(['extension-page']);
    expect(messagePolicy['insurability.cached']).toEqual(['extension-page']);
    expect(messagePolicy['consultation.current']).toEqual(['extension-page']);
  });

  it('stores the proposal under the browser-stamped tab, and gives it to an extension page only', async () => {
    const { route: routed } = route();
    const proposed = await routed({ type: 'consultation.proposed', href: `${ORIGIN}/medispa/patients/p1`, reading: peeters }, contentFacts);
    expect(proposed.ok).toBe(true);
    const current = await routed({ type: 'consultation.current', tabId: 4 }, popupFacts);
    expect(current.ok && (current.result as { proposal: { tabId: number; origin: string } }).proposal).toMatchObject({ tabId: 4, origin: ORIGIN });
    const fromPage = await routed({ type: 'consultation.current', tabId: 4 }, contentFacts);
    expect(fromPage).toMatchObject({ ok: false, error: { code: 'SENDER_NOT_ALLOWED' } });
  });

  it('refuses a reading that claims a tab, carries extra fields or oversized text', async () => {
    const { route: routed } = route();
    const href = `${ORIGIN}/medispa/patients/p1`;
    for (const message of [
      { type: 'consultation.proposed', href, reading: peeters, tabId: 9 },
      { type: 'consultation.proposed', href, reading: { ...peeters, parsed: { ssin: '85073003328' } } },
      { type: 'consultation.proposed', href, reading: { ...peeters, patient: { ...peeters.patient, familyName: 'x'.repeat(201) } } },
      { type: 'consultation.proposed', href, reading: { ...peeters, acts: Array.from({ length: 31 }, () => act) } },
    ]) {
      expect(await routed(message, contentFacts)).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    }
  });

  it('opens the popup for the stamped tab of the content script that asked', async () => {
    const { route: routed, openPopup } = route();
    expect(await routed({ type: 'popup.open' }, contentFacts)).toEqual({ ok: true, result: { opened: 'window' } });
    expect(openPopup).toHaveBeenCalledWith(4);
    expect(await routed({ type: 'popup.open' }, popupFacts)).toMatchObject({ ok: false, error: { code: 'SENDER_NOT_ALLOWED' } });
  });

  it('tells the popup the in-page button opened it, once; any other popup of the tab was opened by the clinician', async () => {
    const { route: routed, openPopup, session } = route();
    const opened = (tabId: number) => routed({ type: 'popup.opened', tabId }, popupFacts);
    expect(await opened(4)).toEqual({ ok: true, result: { byInPageButton: false } });
    let notedBeforeOpening = false;
    openPopup.mockImplementationOnce(() => {
      notedBeforeOpening = session.data.has('popup-by-button:4');
      return Promise.resolve('window' as const);
    });
    await routed({ type: 'popup.open' }, contentFacts);
    expect(notedBeforeOpening).toBe(true);
    expect(await opened(5)).toEqual({ ok: true, result: { byInPageButton: false } });
    expect(await opened(4)).toEqual({ ok: true, result: { byInPageButton: true } });
    expect(await opened(4)).toEqual({ ok: true, result: { byInPageButton: false } });
    // The page cannot ask, nor clear the note.
    await routed({ type: 'popup.open' }, contentFacts);
    expect(await routed({ type: 'popup.opened', tabId: 4 }, contentFacts)).toMatchObject({ ok: false, error: { code: 'SENDER_NOT_ALLOWED' } });
    expect(await opened(4)).toEqual({ ok: true, result: { byInPageButton: true } });
  });

  it('gives a content script only the custom adapters for its own origin', async () => {
    const base = BUILT_IN_ADAPTERS[1];
    if (base === undefined) throw new Error('no built-in adapter');
    const mine: Adapter = { ...base, id: 'custom-mine', match: { urls: [`${ORIGIN}/*`] } };
    const other: Adapter = { ...base, id: 'custom-other', match: { urls: ['https://ehr.example.be/*'] } };
    const deps = { customAdapters: () => Promise.resolve([mine, other]) };
    const adapters = await customAdaptersFor(deps, { kind: 'content-script', tabId: 4, frameId: 0, origin: ORIGIN });
    expect(adapters.map((adapter) => adapter.id)).toEqual(['custom-mine']);
    expect(await customAdaptersFor({ customAdapters: () => Promise.reject(new Error('no db')) }, { kind: 'content-script', tabId: 4, frameId: 0, origin: ORIGIN })).toEqual([]);
  });
});
