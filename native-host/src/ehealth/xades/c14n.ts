import { ExclusiveCanonicalization } from 'xml-crypto';
import { AppError } from '../../../../src/shared/errors.js';

/**
 * Exclusive XML Canonicalization 1.0 without comments, by xml-crypto (the library that also
 * makes and checks our WS-Security signatures). xml-crypto mishandles two constructs that a
 * strict canonicalizer (Apache Santuario, xmlsec) renders differently: processing instructions
 * and `xmlns=""` undeclarations. Neither occurs in kmehr or in the eHealth messages, so content
 * carrying them is refused instead of being signed or verified with a digest the other side
 * would not compute. The XAdES tests compare the output with `xmlsec1` and `xmllint --exc-c14n`.
 */

const PROCESSING_INSTRUCTION_NODE = 7;
const ELEMENT_NODE = 1;

function refuseUnsupported(node: Node): void {
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    // The XML declaration is not part of the canonical form; xmldom keeps it as a processing instruction.
    if (child.nodeType === PROCESSING_INSTRUCTION_NODE && (child as ProcessingInstruction).target !== 'xml') {
      throw new AppError('MYCARENET_BAD_ANSWER', 'XML with processing instructions cannot be canonicalized here');
    }
    if (child.nodeType === ELEMENT_NODE) {
      const element = child as Element;
      if (element.hasAttribute('xmlns') && element.getAttribute('xmlns') === '') {
        throw new AppError('MYCARENET_BAD_ANSWER', 'XML that undeclares the default namespace cannot be canonicalized here');
      }
      refuseUnsupported(element);
    }
  }
}

/**
 * @param node the document (its root element is canonicalized), or the apex element of a subtree
 * @param inclusivePrefixes the InclusiveNamespaces PrefixList (`#default` for the default namespace)
 */
export function exclusiveC14n(node: Document | Element, inclusivePrefixes: readonly string[] = []): string {
  refuseUnsupported(node);
  const element = node.nodeType === ELEMENT_NODE ? (node as Element) : (node as Document).documentElement;
  return new ExclusiveCanonicalization().process(element, {
    inclusiveNamespacesPrefixList: [...inclusivePrefixes],
    // An InclusiveNamespaces prefix declared on an ancestor must still be rendered on the apex.
    ancestorNamespaces: ancestorNamespaces(element),
  });
}

/** The namespace declarations in scope from the ancestors of `element` (the nearest wins). */
function ancestorNamespaces(element: Element): { prefix: string; namespaceURI: string }[] {
  const found = new Map<string, string>();
  for (let parent = element.parentNode; parent !== null && parent.nodeType === ELEMENT_NODE; parent = parent.parentNode) {
    const attributes = (parent as Element).attributes;
    for (let index = 0; index < attributes.length; index++) {
      const attribute = attributes.item(index);
      if (attribute?.prefix === 'xmlns' && !found.has(attribute.localName)) found.set(attribute.localName, attribute.value);
    }
  }
  return [...found].map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}
