/** What the clinician pointed at, as selectors an adapter can use. */
export interface PickedElement {
  /** From the document (for patient and consultation fields, the button and the write-back target). */
  selector: string;
  /** For act fields: every row like the one pointed at, and the cell inside such a row. */
  rowSelector: string | null;
  cellSelector: string | null;
  read: 'text' | 'value';
  /** The text seen there, shortened, to show the clinician what was picked and to guess formats. */
  sample: string;
}

/**
 * Injected into the EHR tab with chrome.scripting.executeScript (isolated world), so it must be
 * self-contained: no imports, no outer variables. Highlights the element under the pointer and
 * resolves with selectors for the element the clinician clicks (trusted clicks only), or null on
 * Escape. The page's own handlers do not see that click.
 */
export function pickElement(bannerText: string, inRow: boolean): Promise<PickedElement | null> {
  return new Promise((resolve) => {
    const host = document.createElement('eattest-field-picker');
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent =
      '.banner{position:fixed;top:0;left:0;right:0;z-index:2147483647;background:#0b5cab;color:#fff;font:600 14px system-ui,sans-serif;padding:8px 12px}' +
      '.box{position:fixed;z-index:2147483646;pointer-events:none;outline:3px solid #f0a500;background:rgba(240,165,0,.15)}';
    const banner = document.createElement('div');
    banner.className = 'banner';
    banner.textContent = bannerText;
    const box = document.createElement('div');
    box.className = 'box';
    shadow.append(style, banner, box);
    document.documentElement.append(host);

    const step = (element: Element): string => {
      const tag = element.localName;
      const parent = element.parentElement;
      if (parent === null) return tag;
      const same = Array.from(parent.children).filter((child) => child.localName === tag);
      return same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(element) + 1})` : tag;
    };
    const pathTo = (element: Element, stopAt: Element | null): string => {
      const parts: string[] = [];
      let node: Element | null = element;
      while (node !== null && node !== stopAt && node !== document.documentElement) {
        // An id that is unique on the page anchors a document selector (never inside a row: rows repeat).
        if (stopAt === null && node.id !== '' && document.querySelectorAll(`#${CSS.escape(node.id)}`).length === 1) {
          parts.unshift(`#${CSS.escape(node.id)}`);
          return parts.join(' > ');
        }
        parts.unshift(step(node));
        node = node.parentElement;
      }
      return stopAt === null ? parts.join(' > ') : [':scope', ...parts].join(' > ');
    };
    const rowOf = (element: Element): Element => element.closest('tr, li, [role="row"]') ?? element.parentElement ?? element;
    const rowSelectorOf = (row: Element): string => {
      const parent = row.parentElement;
      const firstClass = row.classList.item(0);
      const own = row.localName + (firstClass === null ? '' : `.${CSS.escape(firstClass)}`);
      return parent === null ? own : `${pathTo(parent, null)} > ${own}`;
    };

    let target: Element | null = null;
    const move = (event: MouseEvent): void => {
      const element = document.elementFromPoint(event.clientX, event.clientY);
      if (element === null || element === host) return;
      target = element;
      const rect = element.getBoundingClientRect();
      Object.assign(box.style, { top: `${rect.top}px`, left: `${rect.left}px`, width: `${rect.width}px`, height: `${rect.height}px` });
    };
    const swallow = (event: Event): void => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    const finish = (result: PickedElement | null): void => {
      document.removeEventListener('mousemove', move, true);
      document.removeEventListener('click', click, true);
      document.removeEventListener('mousedown', swallow, true);
      document.removeEventListener('mouseup', swallow, true);
      document.removeEventListener('keydown', key, true);
      host.remove();
      resolve(result);
    };
    const click = (event: MouseEvent): void => {
      swallow(event);
      if (!event.isTrusted) return;
      const element = target ?? document.elementFromPoint(event.clientX, event.clientY);
      if (element === null) return;
      const isField = element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement;
      const text = isField ? element.value : element.textContent;
      const sample = text.replace(/\s+/g, ' ').trim().slice(0, 80);
      const row = inRow ? rowOf(element) : null;
      finish({
        selector: pathTo(element, null),
        rowSelector: row === null ? null : rowSelectorOf(row),
        cellSelector: row === null ? null : row === element ? ':scope' : pathTo(element, row),
        read: isField ? 'value' : 'text',
        sample,
      });
    };
    const key = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || !event.isTrusted) return;
      swallow(event);
      finish(null);
    };
    document.addEventListener('mousemove', move, true);
    document.addEventListener('click', click, true);
    document.addEventListener('mousedown', swallow, true);
    document.addEventListener('mouseup', swallow, true);
    document.addEventListener('keydown', key, true);
  });
}
