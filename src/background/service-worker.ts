import browser, { type Runtime } from 'webextension-polyfill';
import { syncContentScripts, isGrantedOrigin } from './content-registration.js';
import { createHandlers } from './handlers.js';
import { NativeHostClient } from './native-host-client.js';
import { Attestations } from './attestations.js';
import { JournalAnchor } from './journal-anchor.js';
import { Ledger } from './ledger.js';
import { PatientData, type HostRequest } from './patient-data.js';
import { createRouter } from './router.js';
import { listCustomAdapters } from './custom-adapters.js';
import { chromePopupApis, openPopupFor, PopupOpenings } from './popup-opener.js';
import { chromeBadge, ProposalStore } from './proposals.js';
import { chromeSendToTab } from './write-back.js';
import { CompanionStore } from './store.js';
import { NATIVE_HOST_NAME } from '../shared/identity.js';
import type { HostProgressNotice } from '../shared/extension-protocol.js';
import type { HostProgressStage } from '../shared/host-protocol.js';

/** The background service worker: listeners are registered synchronously, as MV3 requires. */

const host = new NativeHostClient({
  connect: () => browser.runtime.connectNative(NATIVE_HOST_NAME),
  lastErrorMessage: () => chrome.runtime.lastError?.message,
  onLog: (message) => console.info(`[eattest] ${message}`),
});

const store = new CompanionStore();
/** The host's progress (protocol 3) told to the extension's pages: the popup says "Signing in" while the host does. */
const announceProgress = (stage: HostProgressStage): void => {
  const notice: HostProgressNotice = { type: 'host.progress', stage };
  // No page open to hear it is no error.
  browser.runtime.sendMessage(notice).catch(() => undefined);
};
const hostRequest: HostRequest = (command, params) => host.request(command, params, undefined, announceProgress);
const patientData = new PatientData(hostRequest, store);
const attestations = new Attestations(hostRequest, store, (ssin) => patientData.cachedInsurerOf(ssin));
const journalAnchor = new JournalAnchor(hostRequest, store);
attestations.settleLeftovers().catch((error: unknown) => console.warn('[eattest] could not settle earlier sends', error));

// EHR consultation proposals, one per tab, kept across worker restarts in session storage.
const proposals = new ProposalStore({
  session: chrome.storage.session,
  badge: chromeBadge(chrome.action),
  tabOrigin: async (tabId) => {
    const url = (await chrome.tabs.get(tabId).catch(() => undefined))?.url;
    return url !== undefined && URL.canParse(url) ? new URL(url).origin : undefined;
  },
});
chrome.tabs.onRemoved.addListener((tabId) => void proposals.clear(tabId).catch(() => undefined));
const consultation = {
  proposals,
  customAdapters: listCustomAdapters,
  openPopup: async (tabId: number) => openPopupFor(chromePopupApis(), tabId, (await chrome.tabs.get(tabId)).windowId),
  popupOpenings: new PopupOpenings(chrome.storage.session),
  sendToTab: chromeSendToTab,
};

const route = createRouter(createHandlers(host, patientData, consultation, attestations, journalAnchor, new Ledger(store)), {
  extensionId: browser.runtime.id,
  extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
  isGrantedOrigin: (origin) => isGrantedOrigin(browser, origin),
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));

const resync = (): void => {
  syncContentScripts(browser).catch((error: unknown) => console.warn('[eattest] content script registration failed', error));
};
browser.permissions.onAdded.addListener(resync);
browser.permissions.onRemoved.addListener(resync);
browser.runtime.onInstalled.addListener(resync);
browser.runtime.onStartup.addListener(resync);
