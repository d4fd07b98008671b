/**
 * Exclusive XML Canonicalization 1.0 (no comments, empty InclusiveNamespaces) of a whole document,
 * straight from its text, for the plain XML the host writes itself (kmehr and the other business
 * contents it signs). Parsing such a document with xmldom to canonicalize it was most of the XAdES
 * signing time, mostly in xmldom's tokenizer.
 *
 * It only accepts a conservative subset of XML, where canonicalization is simple enough to be
 * obviously right: an optional XML declaration, elements, attributes and text, ASCII names,
 * the five predefined entity references and nothing else. Anything outside that subset, or any
 * doubt (comments, CDATA, character references, processing instructions, DOCTYPE, carriage returns,
 * tabs or newlines in attribute values, xml:* attributes, `xmlns=""`, prefixed attributes from two
 * namespaces on one element, unusual characters, malformed markup) returns `undefined`, and the
 * caller canonicalizes with the DOM (c14n.ts), which also reports malformed XML. The unit tests
 * compare both on the host's documents and on thousands of mutations of them.
 */

const NAME = '[A-Za-z_][A-Za-z0-9._-]*';
const QNAME = `${NAME}(?::${NAME})?`;
const ENTITY = '&(?:amp|lt|gt|quot|apos);';
const XML_DECLARATION = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/;
const START_TAG = new RegExp(`<(${QNAME})`, 'y');
const ATTRIBUTE = new RegExp(`[ \\t\\n]+(${QNAME})[ \\t\\n]*=[ \\t\\n]*(?:"((?:[^"<&\\t\\n]|${ENTITY})*)"|'((?:[^'<&\\t\\n]|${ENTITY})*)')`, 'y');
const TAG_CLOSE = /[ \t\n]*(\/?)>/y;
const END_TAG = new RegExp(`</(${QNAME})[ \\t\\n]*>`, 'y');
// No token follows TEXT in its pattern, so `[^<&]+` inside `*` cannot backtrack.
const TEXT = new RegExp(`(?:[^<&]+|${ENTITY})*`, 'y');
const WHITESPACE = /[ \t\n]*/y;
/** Characters outside the subset: carriage returns, C0/C1 controls but tab and newline, non-characters, lone surrogates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point here
const REFUSED_CHARACTERS = /[\x00-\x08\x0B-\x1F\x7F-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Namespace names written as they are: printable ASCII without what would need escaping. */
const PLAIN_NAMESPACE = /^[\x21\x23-\x25\x27-\x3B\x3D\x3F-\x7E]+$/;

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const decode = (value: string): string => (value.includes('&') ? value.replace(/&(?:amp|lt|gt|quot|apos);/g, (entity) => ENTITIES[entity] ?? entity) : value);
const escapeText = (text: string): string => (/[&<>]/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text);
const escapeAttribute = (value: string): string => (/[&<"]/.test(value) ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;') : value);

interface Scope {
  /** Namespace bindings in scope (prefix → name; '' for the default namespace). */
  declared: ReadonlyMap<string, string>;
  /** Bindings rendered by output ancestors (the exclusive c14n "visibly utilized" rule). */
  rendered: ReadonlyMap<string, string>;
}

interface OpenElement {
  qname: string;
  scope: Scope;
}

class OutsideSubset extends Error {}

function outside(): never {
  throw new OutsideSubset();
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/** The canonical start tag of one element; `scope` is the parent's, the element's own is returned. */
function startTag(qname: string, attributes: readonly (readonly [string, string])[], parent: Scope): { text: string; scope: Scope } {
  let declared: Map<string, string> | undefined;
  const plain: [string, string][] = [];
  const prefixed: [string, string, string][] = [];
  if (attributes.length > 1 && new Set(attributes.map(([name]) => name)).size !== attributes.length) outside();
  for (const [name, rawValue] of attributes) {
    const value = decode(rawValue);
    const [prefix, local] = splitName(name);
    // Other names starting with "xml" are reserved, and xml-crypto takes any "xmlns…" for a declaration.
    if (name !== 'xmlns' && prefix !== 'xmlns' && (/^xml/i.test(prefix) || /^xml/i.test(local))) outside();
    if (name === 'xmlns' || prefix === 'xmlns') {
      const boundPrefix = name === 'xmlns' ? '' : local;
      if (!PLAIN_NAMESPACE.test(value) || /^xml/i.test(boundPrefix) || value === 'http://www.w3.org/XML/1998/namespace' || value === 'http://www.w3.org/2000/xmlns/') outside();
      declared ??= new Map(parent.declared);
      declared.set(boundPrefix, value);
    } else if (prefix === '') {
      plain.push([local, value]);
    } else {
      prefixed.push([prefix, local, value]);
    }
  }
  const inScope = declared ?? parent.declared;
  const utilized = new Map<string, string>();
  const [elementPrefix] = splitName(qname);
  if (/^xml/i.test(elementPrefix)) outside();
  const elementNamespace = inScope.get(elementPrefix) ?? (elementPrefix === '' ? '' : outside());
  utilized.set(elementPrefix, elementNamespace);
  if (prefixed.length > 0) {
    const attributeNamespaces = new Set<string>();
    for (const [prefix] of prefixed) {
      const namespace = inScope.get(prefix) ?? outside();
      attributeNamespaces.add(namespace);
      utilized.set(prefix, namespace);
    }
    // One namespace at most among the prefixed attributes: no expanded-name clash, and one order only.
    if (attributeNamespaces.size > 1 || new Set(prefixed.map(([, local]) => local)).size !== prefixed.length) outside();
  }

  let rendered: Map<string, string> | undefined;
  const namespaceDeclarations: [string, string][] = [];
  for (const [prefix, namespace] of utilized) {
    if (parent.rendered.get(prefix) === namespace || (prefix === '' && namespace === '' && !parent.rendered.has(''))) continue;
    // Undeclaring a rendered default namespace needs xmlns="", which is outside the subset.
    if (namespace === '') outside();
    rendered ??= new Map(parent.rendered);
    rendered.set(prefix, namespace);
    namespaceDeclarations.push([prefix, namespace]);
  }
  namespaceDeclarations.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let index = 1; index < namespaceDeclarations.length; index += 1) {
    // xml-crypto orders prefixes with localeCompare: stay where it agrees with code-point order.
    if ((namespaceDeclarations[index - 1]?.[0] ?? '').localeCompare(namespaceDeclarations[index]?.[0] ?? '') >= 0) outside();
  }
  plain.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  prefixed.sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));

  let text = `<${qname}`;
  for (const [prefix, namespace] of namespaceDeclarations) text += prefix === '' ? ` xmlns="${namespace}"` : ` xmlns:${prefix}="${namespace}"`;
  for (const [local, value] of plain) text += ` ${local}="${escapeAttribute(value)}"`;
  for (const [prefix, local, value] of prefixed) text += ` ${prefix}:${local}="${escapeAttribute(value)}"`;
  return { text: `${text}>`, scope: { declared: inScope, rendered: rendered ?? parent.rendered } };
}

function canonicalize(document: string): string {
  if (document.includes('\r') || REFUSED_CHARACTERS.test(document)) outside();
  let position = XML_DECLARATION.exec(document)?.[0].length ?? 0;
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = position;
    const found = pattern.exec(document);
    if (found !== null) position = pattern.lastIndex;
    return found;
  };
  match(WHITESPACE);
  const out: string[] = [];
  const open: OpenElement[] = [];
  let scope: Scope = { declared: new Map(), rendered: new Map() };
  do {
    const text = match(TEXT)?.[0] ?? '';
    if (open.length > 0) {
      if (text.includes(']]>')) outside();
      if (text !== '') out.push(escapeText(decode(text)));
    } else if (text !== '') {
      outside();
    }
    if (document.startsWith('</', position)) {
      const name = match(END_TAG)?.[1];
      const element = open.pop();
      if (name === undefined || element === undefined || name !== element.qname) outside();
      out.push(`</${name}>`);
      scope = open[open.length - 1]?.scope ?? { declared: new Map(), rendered: new Map() };
      continue;
    }
    const qname = match(START_TAG)?.[1] ?? outside();
    const attributes: [string, string][] = [];
    for (let attribute = match(ATTRIBUTE); attribute !== null; attribute = match(ATTRIBUTE)) {
      attributes.push([attribute[1] ?? '', attribute[2] ?? attribute[3] ?? '']);
    }
    const close = match(TAG_CLOSE) ?? outside();
    const element = startTag(qname, attributes, scope);
    out.push(element.text);
    if (close[1] === '/') {
      out.push(`</${qname}>`);
    } else {
      open.push({ qname, scope: element.scope });
      scope = element.scope;
    }
  } while (open.length > 0);
  match(WHITESPACE);
  if (position !== document.length) outside();
  return out.join('');
}

/** The exclusive canonical form of `document`, or `undefined` when it is outside the simple subset. */
export function simpleExclusiveC14n(document: string): string | undefined {
  try {
    return canonicalize(document);
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}
