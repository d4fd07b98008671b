/**
 * Follows a page that changes without reloading (single-page EHRs). Mutations, form edits and
 * history moves only arm a timer; the page is read once it has been quiet for `quietMs` (or after
 * `maxWaitMs` of continuous change), so a busy page costs one read, not one per mutation. Nothing
 * runs while the page is idle, and nothing is watched while the tab is hidden.
 */
export interface WatchOptions {
  quietMs?: number;
  maxWaitMs?: number;
  /** Mutations that are not page changes (inserting our own button). */
  ignore?: (record: MutationRecord) => boolean;
}

export function watchPage(document: Document, onSettled: () => void, options: WatchOptions = {}): () => void {
  const quietMs = options.quietMs ?? 250;
  const maxWaitMs = options.maxWaitMs ?? 1500;
  const view = document.defaultView;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstChangeAt: number | undefined;

  const settle = (): void => {
    timer = undefined;
    firstChangeAt = undefined;
    onSettled();
  };
  const changed = (): void => {
    const now = Date.now();
    firstChangeAt ??= now;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(settle, now - firstChangeAt >= maxWaitMs ? 0 : quietMs);
  };

  const observer = new MutationObserver((records) => {
    if (records.some((record) => !(options.ignore?.(record) ?? false))) changed();
  });
  const observe = (): void => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true });
  const visibility = (): void => {
    if (document.visibilityState === 'hidden') {
      observer.disconnect();
      return;
    }
    observe();
    changed();
  };

  observe();
  // Typing in a form field changes no DOM node, only its value.
  document.addEventListener('input', changed, true);
  document.addEventListener('change', changed, true);
  document.addEventListener('visibilitychange', visibility);
  view?.addEventListener('popstate', changed);
  view?.addEventListener('hashchange', changed);

  return () => {
    observer.disconnect();
    if (timer !== undefined) clearTimeout(timer);
    document.removeEventListener('input', changed, true);
    document.removeEventListener('change', changed, true);
    document.removeEventListener('visibilitychange', visibility);
    view?.removeEventListener('popstate', changed);
    view?.removeEventListener('hashchange', changed);
  };
}
