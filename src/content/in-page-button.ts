import type { Adapter } from '../shared/adapters/adapter-schema.js';

/**
 * The in-page eAttest button. It lives in a closed shadow root (the page can neither read nor
 * restyle it from inside) and acts only on trusted clicks: a click the page synthesises
 * (`element.click()`, `dispatchEvent`) has `isTrusted === false` and is ignored. The page can still
 * hide or cover it and lure a real click (clickjacking); all that does is open the popup, which then
 * asks nothing until the clinician confirms the patient there (PatientPanel, popup.opened). Its
 * visibility is not checked: IntersectionObserver v2 calls a button under any transformed or
 * translucent ancestor hidden, which would break it on ordinary EHR layouts.
 */

const HOST_TAG = 'eattest-companion-button';

const STYLE = `
:host { all: initial; display: inline-block; margin: 0 6px; vertical-align: middle; }
button { font: 600 13px/1.2 system-ui, sans-serif; color: #fff; background: #0b5cab; border: 0; border-radius: 4px;
  padding: 6px 10px; cursor: pointer; }
button:focus-visible { outline: 2px solid #f0a500; outline-offset: 2px; }
button[data-state="problems"] { background: #b35900; }
`;

export type ButtonState = 'ready' | 'problems';

export interface InPageButton {
  /** Puts the button where the adapter says, again if the page re-rendered that spot. */
  place(adapter: Adapter, document: Document): void;
  setState(state: ButtonState, title: string): void;
  remove(): void;
  readonly element: HTMLElement;
}

export function createInPageButton(document: Document, label: string, onTrustedClick: () => void): InPageButton {
  const host = document.createElement(HOST_TAG);
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    if (!event.isTrusted) return;
    onTrustedClick();
  });
  shadow.append(style, button);

  let placedNextTo: Element | undefined;
  return {
    element: host,
    place(adapter, page) {
      let anchor: Element | null = null;
      try {
        anchor = page.querySelector(adapter.button.anchor);
      } catch {
        anchor = null;
      }
      if (anchor === null) {
        host.remove();
        placedNextTo = undefined;
        return;
      }
      if (host.isConnected && placedNextTo === anchor) return;
      placedNextTo = anchor;
      if (adapter.button.place === 'before') anchor.before(host);
      else if (adapter.button.place === 'after') anchor.after(host);
      else if (adapter.button.place === 'start') anchor.prepend(host);
      else anchor.append(host);
    },
    setState(state, title) {
      button.dataset['state'] = state;
      button.title = title;
      button.setAttribute('aria-label', `${label}: ${title}`);
    },
    remove() {
      host.remove();
      placedNextTo = undefined;
    },
  };
}

export function isOwnButton(node: Node): boolean {
  return node instanceof Element && node.localName === HOST_TAG;
}
