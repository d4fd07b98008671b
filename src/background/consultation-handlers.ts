import type { Adapter } from '../shared/adapters/adapter-schema.js';
import { patternMayMatchOrigin } from '../shared/adapters/url-match.js';
import type { PopupOpenings } from './popup-opener.js';
import type { ProposalStore } from './proposals.js';
import type { SendToTab } from './write-back.js';
import type { HandlerTable, Sender } from './router.js';

export interface ConsultationDeps {
  proposals: ProposalStore;
  customAdapters(): Promise<Adapter[]>;
  openPopup(tabId: number): Promise<'popup' | 'window'>;
  /** Which popups the in-page button opened (they consult nothing before the clinician confirms). */
  popupOpenings: PopupOpenings;
  /** Sends the write-back command to a tab's content script. */
  sendToTab: SendToTab;
}

type ConsultationHandlers = Pick<HandlerTable, 'consultation.proposed' | 'popup.open' | 'popup.opened' | 'consultation.current'>;

function contentSender(sender: Sender): Extract<Sender, { kind: 'content-script' }> {
  // The router's policy already allows these messages from content scripts only.
  if (sender.kind !== 'content-script') throw new TypeError('expected a content script');
  return sender;
}

/** The custom adapters a content script of this origin may use; chosen from the browser-stamped origin. */
export async function customAdaptersFor(deps: Pick<ConsultationDeps, 'customAdapters'>, sender: Sender): Promise<Adapter[]> {
  if (sender.kind !== 'content-script') return [];
  try {
    const all = await deps.customAdapters();
    return all.filter((adapter) => adapter.match.urls.some((pattern) => patternMayMatchOrigin(pattern, sender.origin))).slice(0, 20);
  } catch {
    // No custom adapters (storage unavailable) is not a reason to stop the built-in ones.
    return [];
  }
}

/**
 * The consultation messages: a content script proposes what its page shows (the tab and origin come
 * from the browser-stamped sender, never from the message) and asks for the popup; an extension page
 * reads a tab's latest proposal.
 */
export function createConsultationHandlers(deps: ConsultationDeps): ConsultationHandlers {
  return {
    'consultation.proposed': async (message, sender) => {
      const from = contentSender(sender);
      const proposal = await deps.proposals.propose(message.reading, { tabId: from.tabId, frameId: from.frameId, origin: from.origin });
      return { proposalId: proposal?.id ?? null };
    },
    'popup.open': async (_message, sender) => {
      const { tabId } = contentSender(sender);
      // Noted before the popup opens, so that the popup finds the note whenever it asks.
      await deps.popupOpenings.openedByButton(tabId);
      return { opened: await deps.openPopup(tabId) };
    },
    'popup.opened': async (message) => ({ byInPageButton: await deps.popupOpenings.takeOpenedByButton(message.tabId) }),
    'consultation.current': async (message) => ({ proposal: await deps.proposals.current(message.tabId) }),
  };
}
