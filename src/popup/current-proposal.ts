import { useEffect, useState } from 'preact/hooks';
import { browser } from '../ui/browser.js';
import type { ConsultationProposal } from '../shared/domain/consultation.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import { askBackground } from '../ui/background.js';

/** The tab the popup is about: `?tab=<id>` when opened as a window by the in-page button, else the active tab. */
export async function popupTabId(search: string): Promise<number | undefined> {
  const fromUrl = new URLSearchParams(search).get('tab');
  if (fromUrl !== null && /^\d{1,10}$/.test(fromUrl)) return Number(fromUrl);
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  return active?.id;
}

export type CurrentProposal =
  | { phase: 'loading' }
  | { phase: 'failed'; error: ErrorPayload }
  | { phase: 'done'; tabId: number | undefined; proposal: ConsultationProposal | null; newerAvailable: boolean };

/**
 * The tab's latest proposal, read once. When the page proposes again while the popup is open, the
 * shown proposal stays as it is (the clinician is checking it) and `newerAvailable` turns true;
 * `reload` shows the newer one. What the clinician sees never changes under their eyes.
 */
export function useCurrentProposal(): { state: CurrentProposal; reload: () => void } {
  const [state, setState] = useState<CurrentProposal>({ phase: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let tabId: number | undefined;
    let shownId: string | null = null;
    const onChanged = (changes: Record<string, unknown>, area: string): void => {
      if (area !== 'session' || tabId === undefined || !(`proposal:${tabId}` in changes)) return;
      // Nothing shown yet (the popup opened before the page's reading arrived): show it, there is nothing to protect.
      if (shownId === null) {
        setGeneration((value) => value + 1);
        return;
      }
      askBackground({ type: 'consultation.current', tabId: tabId })
        .then(({ proposal }) => {
          if ((proposal?.id ?? null) !== shownId) setState((current) => (current.phase === 'done' ? { ...current, newerAvailable: true } : current));
        })
        .catch(() => undefined);
    };
    browser.storage.onChanged.addListener(onChanged);
    popupTabId(location.search)
      .then(async (id) => {
        tabId = id;
        const proposal = id === undefined ? null : (await askBackground({ type: 'consultation.current', tabId: id })).proposal;
        shownId = proposal?.id ?? null;
        setState({ phase: 'done', tabId: id, proposal, newerAvailable: false });
      })
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [generation]);

  return { state, reload: () => setGeneration((value) => value + 1) };
}

/** Who opened this popup: the clinician (the toolbar button, browser UI no page can click), or the in-page button. */
export type PopupOpener = 'asking' | 'clinician' | 'inPageButton';

/**
 * How this popup was opened, asked once (the background's note is used up by the asking). A window
 * on `?tab=` is opened only by the in-page button; the toolbar popup asks the background whether the
 * in-page button just opened it. When the answer cannot be had, the popup takes the safe side.
 */
export function usePopupOpener(): PopupOpener {
  const [opener, setOpener] = useState<PopupOpener>('asking');
  useEffect(() => {
    const openedAsWindow = new URLSearchParams(location.search).has('tab');
    popupTabId(location.search)
      .then(async (tabId) => (tabId === undefined ? false : (await askBackground({ type: 'popup.opened', tabId })).byInPageButton))
      .then((byInPageButton) => setOpener(byInPageButton || openedAsWindow ? 'inPageButton' : 'clinician'))
      .catch(() => setOpener('inPageButton'));
  }, []);
  return opener;
}
