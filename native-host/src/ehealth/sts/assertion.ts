import { childElements, descendants, firstChild } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';

/**
 * The parts of a signed STS assertion (SAML 1.1, PROTOCOL §4.2), taken only from where the signed
 * assertion has them: direct children of the Assertion element, whose enveloped signature covers
 * all of it but itself. Nothing is searched for anywhere below (no getElementsByTagName): an
 * attribute, a Subject or a certificate in ds:Signature, which the signature does not cover, is
 * never read, and its presence refuses the assertion. The shape allowed is the one the STS answers
 * with: Conditions, at most one AuthenticationStatement, one AttributeStatement, the Signature.
 */

export class AssertionShapeRejected extends Error {
  override readonly name = 'AssertionShapeRejected';

  constructor(
    /** A stable name of the rule broken, for the refusal's details. */
    readonly reason: 'unsigned-content' | 'assertion-shape' | 'duplicate-attribute',
    message: string,
  ) {
    super(message);
  }
}

export interface AssertionParts {
  notBefore: string | null;
  notOnOrAfter: string | null;
  /** Each statement's Subject/SubjectConfirmation/ds:KeyInfo/ds:X509Data/ds:X509Certificate text, whitespace removed. */
  holderCertificates: string[];
  /** The AttributeStatement's attributes by attributeKey(AttributeNamespace, AttributeName), each with its values' texts. */
  attributes: ReadonlyMap<string, readonly string[]>;
}

/**
 * An attribute is named by its namespace and its name: the platform may grant one name in two
 * namespaces (a guard post's number is asked as an identification and as a certified attribute).
 */
export function attributeKey(namespace: string, name: string): string {
  return `${namespace} ${name}`;
}

const HOLDER_OF_KEY = 'urn:oasis:names:tc:SAML:1.0:cm:holder-of-key';
const TEXT_NODE = 3;
const MAX_ATTRIBUTES = 64;

function shape(message: string): AssertionShapeRejected {
  return new AssertionShapeRejected('assertion-shape', `the assertion ${message}`);
}

/** The one child element of that name; none, or more than one, refuses the assertion. */
function onlyChild(parent: Element, ns: string, localName: string, where: string): Element {
  const found = childElements(parent, ns, localName);
  const child = found[0];
  if (found.length !== 1 || child === undefined) throw shape(`has ${found.length === 0 ? 'no' : 'more than one'} ${localName} in ${where}`);
  return child;
}

/** The text of an element that holds text only (a value with elements inside is not a value). */
function plainText(element: Element, what: string): string {
  let text = '';
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1) throw shape(`has elements inside ${what}`);
    if (node.nodeType === TEXT_NODE) text += (node as Text).data;
  }
  return text.trim();
}

/** Subject: one NameIdentifier and one holder-of-key SubjectConfirmation naming one certificate. */
function holderCertificate(statement: Element, where: string): string {
  const subject = onlyChild(statement, NS.saml, 'Subject', where);
  if (childElements(subject).length !== 2) throw shape(`has other elements than NameIdentifier and SubjectConfirmation in the Subject of ${where}`);
  onlyChild(subject, NS.saml, 'NameIdentifier', `the Subject of ${where}`);
  const confirmation = onlyChild(subject, NS.saml, 'SubjectConfirmation', `the Subject of ${where}`);
  const method = onlyChild(confirmation, NS.saml, 'ConfirmationMethod', `the SubjectConfirmation of ${where}`);
  if (plainText(method, 'ConfirmationMethod') !== HOLDER_OF_KEY) throw shape(`confirms the subject of ${where} otherwise than by holder of key`);
  const keyInfo = onlyChild(confirmation, NS.ds, 'KeyInfo', `the SubjectConfirmation of ${where}`);
  const data = onlyChild(keyInfo, NS.ds, 'X509Data', `the KeyInfo of ${where}`);
  const certificate = onlyChild(data, NS.ds, 'X509Certificate', `the X509Data of ${where}`);
  return plainText(certificate, 'the holder-of-key certificate').replace(/\s+/g, '');
}

function attributesOf(statement: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  const elements = childElements(statement);
  if (elements.length > MAX_ATTRIBUTES + 1) throw shape('has too many attributes');
  for (const element of elements) {
    if (element.namespaceURI === NS.saml && element.localName === 'Subject') continue;
    if (element.namespaceURI !== NS.saml || element.localName !== 'Attribute') throw shape(`has a ${element.localName} in its AttributeStatement`);
    const name = element.getAttribute('AttributeName') ?? '';
    const key = attributeKey(element.getAttribute('AttributeNamespace') ?? '', name);
    if (name === '') throw shape('has an attribute without a name');
    if (attributes.has(key)) throw new AssertionShapeRejected('duplicate-attribute', `the assertion grants the attribute ${name.slice(0, 120)} twice`);
    const values = childElements(element);
    if (values.length === 0 || values.some((value) => value.namespaceURI !== NS.saml || value.localName !== 'AttributeValue')) throw shape(`has an attribute ${name.slice(0, 120)} without plain values`);
    attributes.set(key, values.map((value) => plainText(value, 'an attribute value')));
  }
  return attributes;
}

/** Reads the parts of an assertion whose enveloped signature has been verified on this same element. */
export function readAssertionParts(assertion: Element): AssertionParts {
  const signature = onlyChild(assertion, NS.ds, 'Signature', 'the assertion');
  // Nothing of SAML has any business in the signature, which covers none of it (a ds:Object, a KeyInfo).
  if (descendants(signature, NS.saml, '*').length > 0 || childElements(signature, NS.ds, 'Object').length > 0) {
    throw new AssertionShapeRejected('unsigned-content', 'the assertion carries content inside its signature, which the signature does not cover');
  }
  const allowed = new Set(['Conditions', 'AuthenticationStatement', 'AttributeStatement']);
  for (const child of childElements(assertion)) {
    if (child === signature) continue;
    if (child.namespaceURI !== NS.saml || !allowed.has(child.localName)) throw shape(`holds a ${child.localName} the STS does not write`);
  }
  const conditions = onlyChild(assertion, NS.saml, 'Conditions', 'the assertion');
  const attributeStatement = onlyChild(assertion, NS.saml, 'AttributeStatement', 'the assertion');
  const authentication = childElements(assertion, NS.saml, 'AuthenticationStatement');
  if (authentication.length > 1) throw shape('has more than one AuthenticationStatement');
  const holderCertificates = [
    holderCertificate(attributeStatement, 'the AttributeStatement'),
    ...authentication.map((statement) => holderCertificate(statement, 'the AuthenticationStatement')),
  ];
  if (firstChild(attributeStatement, NS.saml, 'Subject') !== childElements(attributeStatement)[0]) throw shape('does not name the subject first in its AttributeStatement');
  return {
    notBefore: conditions.getAttribute('NotBefore'),
    notOnOrAfter: conditions.getAttribute('NotOnOrAfter'),
    holderCertificates,
    attributes: attributesOf(attributeStatement),
  };
}
