import type { SessionArea } from './proposals.js';

/** The popup page, as built (the manifest's action.default_popup). */
export const POPUP_PATH = 'src/popup/index.html';

export interface PopupApis {
  openPopup(windowId: number | undefined): Promise<void>;
  openWindow(url: string): Promise<void>;
  popupUrl(tabId: number): string;
}

/**
 * Opens the popup for the tab whose in-page button the clinician clicked: the toolbar popup where the
 * browser allows it (chrome.action.openPopup), else a small extension window on popup.html?tab=<id>.
 * Either way, confirmation happens on an extension page, never in the EHR page.
 */
export async function openPopupFor(apis: PopupApis, tabId: number, windowId: number | undefined): Promise<'popup' | 'window'> {
  try {
    await apis.openPopup(windowId);
    return 'popup';
  } catch {
    // No openPopup (older browsers, Firefox without a user action) or no focused normal window.
    await apis.openWindow(apis.popupUrl(tabId));
    return 'window';
  }
}

export function chromePopupApis(): PopupApis {
  return {
    async openPopup(windowId) {
      // Typed as optional because it is missing before Chrome 127.
      const openPopup = (chrome.action as { openPopup?: (options?: { windowId?: number }) => Promise<void> }).openPopup;
      if (openPopup === undefined) throw new Error('no action.openPopup');
      await openPopup(windowId === undefined ? {} : { windowId });
    },
    async openWindow(url) {
      await chrome.windows.create({ url, type: 'popup', width: 460, height: 680, focused: true });
    },
    popupUrl: (tabId) => chrome.runtime.getURL(`${POPUP_PATH}?tab=${tabId}`),
  };
}

const BY_BUTTON = 'popup-by-button:';

/**
 * Which popups the in-page button opened. The page can make a person click that button (an
 * invisible overlay, clickjacking), so a popup it opened consults nothing on its own: the clinician
 * confirms the patient in the popup first. The background notes the tab before it opens the popup,
 * and the popup that opens for that tab takes the note once. A note no popup took (the popup did not
 * open) makes the next popup of that tab ask for the confirmation too: the safe side. Kept in session
 * storage, so that a service-worker restart in between forgets nothing.
 */
export class PopupOpenings {
  constructor(private readonly session: SessionArea) {}

  async openedByButton(tabId: number): Promise<void> {
    await this.session.set({ [`${BY_BUTTON}${tabId}`]: true });
  }

  /** Whether the in-page button opened the popup now opening for this tab; the note is used up. */
  async takeOpenedByButton(tabId: number): Promise<boolean> {
    const key = `${BY_BUTTON}${tabId}`;
    const noted = (await this.session.get(key))[key] === true;
    if (noted) await this.session.remove(key);
    return noted;
  }
}
