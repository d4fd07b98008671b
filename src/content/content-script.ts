import type { Adapter } from '../shared/adapters/adapter-schema.js';
import type { ConsultationReading } from '../shared/domain/consultation.js';
import { BUILT_IN_ADAPTERS } from './adapters/index.js';
import { createInPageButton, isOwnButton } from './in-page-button.js';
import { watchPage } from './page-watcher.js';
import { findAdapter, readConsultation } from './scraper.js';
import { isWriteBackCommand, writeAcknowledgement } from './write-back.js';

/**
 * The content script, registered only on the EHR origins the clinician granted. It finds the adapter
 * for the page, reads what the adapter names, proposes it to the background (which parses and judges
 * it), follows single-page navigation, and shows the in-page button. It never writes to the page
 * except the button and, on the background's command, the acknowledgement number.
 * Deliberately free of zod and of the polyfill to stay small: the background validates everything.
 */

type Reply = { ok: true; result: Record<string, unknown> } | { ok: false };

async function ask(message: Record<string, unknown>): Promise<Reply> {
  try {
    const reply: unknown = await chrome.runtime.sendMessage(message);
    const ok = typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === true;
    const result = ok ? (reply as { result?: unknown }).result : undefined;
    return ok && typeof result === 'object' && result !== null ? { ok: true, result: result as Record<string, unknown> } : { ok: false };
  } catch {
    // The extension was reloaded or the worker is starting: the next change tries again.
    return { ok: false };
  }
}

const text = (key: string): string => chrome.i18n.getMessage(key) || key;
const pageHref = (): string => location.href.slice(0, 2048);

let adapters: readonly Adapter[] = BUILT_IN_ADAPTERS;
let current: Adapter | undefined;
/** The last reading proposed, as JSON; "null" means "no consultation here" was the last word. */
let lastProposed = 'null';

const button = createInPageButton(document, text('inPageButton'), () => {
  void ask({ type: 'popup.open' });
});

function propose(reading: ConsultationReading | null): void {
  const serialised = JSON.stringify(reading);
  if (serialised === lastProposed) return;
  lastProposed = serialised;
  void ask({ type: 'consultation.proposed', href: pageHref(), reading }).then((reply) => {
    if (serialised !== lastProposed) return;
    if (!reply.ok) {
      // Refused (e.g. a field too long for the schema): forget it so a later change retries.
      lastProposed = 'null';
      button.setState('problems', text('inPageButtonRefused'));
      return;
    }
    button.setState(reading !== null && isComplete(reading) ? 'ready' : 'problems', text(isComplete(reading) ? 'inPageButtonReady' : 'inPageButtonCheck'));
  });
}

/** A first impression for the button only; the background judges the values. */
function isComplete(reading: ConsultationReading | null): boolean {
  if (reading === null) return false;
  const { patient, consultation, acts } = reading;
  return patient.ssin !== null && patient.familyName !== null && consultation.date !== null && acts.length > 0 && acts.every((act) => act.code !== null && act.amountPaid !== null);
}

function refresh(): void {
  current = findAdapter(adapters, location.href, document);
  if (current === undefined) {
    button.remove();
    propose(null);
    return;
  }
  button.place(current, document);
  propose(readConsultation(current, document));
}

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse: (response: unknown) => void) => {
  // Only our own background or extension pages (no tab) may command; other pages cannot reach here.
  if (sender.id !== chrome.runtime.id || sender.tab !== undefined || !isWriteBackCommand(message)) return false;
  sendResponse(writeAcknowledgement(current, document, message.ssin, message.acknowledgement));
  return false;
});

void ask({ type: 'content.ready', href: pageHref() }).then((reply) => {
  const custom = reply.ok && Array.isArray(reply.result['adapters']) ? (reply.result['adapters'] as Adapter[]) : [];
  // The clinician's own adapters come first: they were made for this very EHR.
  adapters = [...custom, ...BUILT_IN_ADAPTERS];
  refresh();
});
refresh();
/** Placing our own button is not a change of the page; the page removing it is (it gets put back). */
function isOwnMutation(record: MutationRecord): boolean {
  if (isOwnButton(record.target)) return true;
  const added = [...record.addedNodes];
  return record.type === 'childList' && record.removedNodes.length === 0 && added.length > 0 && added.every(isOwnButton);
}
watchPage(document, refresh, { ignore: isOwnMutation });
