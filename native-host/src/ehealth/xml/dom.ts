import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';

/**
 * Building and reading XML through the DOM, never by concatenating strings: values are escaped by
 * the serializer, and readers go by namespace and local name, not by prefix.
 */

export type Attributes = Readonly<Record<string, string>>;

export interface ElementSpec {
  ns: string;
  /** Qualified name, e.g. `wsse:Security`. */
  name: string;
  attrs?: Attributes;
  /** Attributes in another namespace: [namespace, qualified name, value]. */
  nsAttrs?: readonly (readonly [string, string, string])[];
  children?: readonly (ElementSpec | Element | string)[];
}

export function newDocument(root: ElementSpec): Document {
  const document = new DOMImplementation().createDocument(root.ns, root.name, null) as unknown as Document;
  fill(document, document.documentElement, root);
  return document;
}

export function createElement(document: Document, spec: ElementSpec): Element {
  const element = document.createElementNS(spec.ns, spec.name);
  fill(document, element, spec);
  return element;
}

function fill(document: Document, element: Element, spec: ElementSpec): void {
  for (const [name, value] of Object.entries(spec.attrs ?? {})) element.setAttribute(name, value);
  for (const [ns, name, value] of spec.nsAttrs ?? []) element.setAttributeNS(ns, name, value);
  for (const child of spec.children ?? []) {
    if (typeof child === 'string') element.appendChild(document.createTextNode(child));
    else if (isElement(child)) element.appendChild(document.importNode(child, true));
    else element.appendChild(createElement(document, child));
  }
}

function isElement(value: ElementSpec | Element): value is Element {
  return 'nodeType' in value;
}

/** Declares a namespace prefix on an element (so that signed fragments carry it visibly). */
export function declareNamespace(element: Element, prefix: string, ns: string): void {
  element.setAttributeNS('http://www.w3.org/2000/xmlns/', `xmlns:${prefix}`, ns);
}

export function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node as never);
}

export function childElements(parent: Element | Document, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    const element = node as Element;
    if ((ns === undefined || element.namespaceURI === ns) && (localName === undefined || element.localName === localName)) out.push(element);
  }
  return out;
}

export function firstChild(parent: Element | Document, ns: string, localName: string): Element | undefined {
  return childElements(parent, ns, localName)[0];
}

/** Follows a path of (namespace, local name) steps through first children. */
export function pathFrom(parent: Element | Document, steps: readonly (readonly [string, string])[]): Element | undefined {
  let current: Element | Document | undefined = parent;
  for (const [ns, localName] of steps) {
    if (current === undefined) return undefined;
    current = firstChild(current, ns, localName);
  }
  return current as Element | undefined;
}

export function descendants(root: Element | Document, ns: string, localName: string): Element[] {
  const found = (root as Element).getElementsByTagNameNS(ns, localName);
  return Array.from({ length: found.length }, (_, index) => found.item(index)).filter((element): element is Element => element !== null);
}

export function textOf(element: Element | undefined): string | undefined {
  return element?.textContent.trim();
}
