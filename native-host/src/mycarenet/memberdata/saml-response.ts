import { AppError } from '../../../../src/shared/errors.js';
import { childElements, descendants, firstChild, pathFrom, textOf } from '../../ehealth/xml/dom.js';
import { businessContentRoot } from '../commons/business-content.js';
import { MCN_NS } from '../commons/namespaces.js';
import { READ_ATTRIBUTES } from './attribute-names.js';

/**
 * The MemberData answer (PROTOCOL §6.2, §6.4) read into plain values: the SAML status with the CIN
 * fault details, and the assertions as (type, attributes). Everything is bounded: the number of
 * assertions, attributes and values, and every string's length. Meaning is given elsewhere.
 */

export interface CinFaultDetail {
  detailCode: string;
  detailSource?: string;
  location?: string;
  message?: string;
}

export interface CinFault {
  faultCode: string;
  faultSource: string;
  message?: string;
  details: CinFaultDetail[];
}

export interface SamlStatus {
  code: string;
  subCode?: string;
  message?: string;
  faults: CinFault[];
}

export interface MemberAssertion {
  type: string;
  /** The Subject NameID's Format: an SSIN, or a registration number at a mutuality ("0001995151258@319"). */
  subjectFormat?: string;
  /** The assertion's own Subject period (NotBefore / NotOnOrAfter), when it has one. */
  notBefore?: string;
  notOnOrAfter?: string;
  subjectId?: string;
  /** Attribute name → its values, in order. */
  attributes: ReadonlyMap<string, readonly string[]>;
}

/** An attribute value left out of the answer because it is longer than anything the product reads. */
export interface SkippedValue {
  assertionType: string;
  attribute: string;
  length: number;
}

export interface MemberDataAnswer {
  issuer: string;
  inResponseTo: string;
  status: SamlStatus;
  assertions: MemberAssertion[];
  /** Over-long values of attributes the product does not read (the technical assertion's status, 0.5–1.3 KB in real answers). */
  skipped: SkippedValue[];
}

// Bounds set from the acceptance platform's answers (../shared/reference/captures), with a wide margin:
// real answers hold at most 6 assertions of at most 6 attributes, one value each; names, codes and
// dates stay under 40 characters, platform messages under 100.
const MAX_ASSERTIONS = 40;
const MAX_ATTRIBUTES = 40;
const MAX_VALUES = 10;
/** Identifiers, codes, dates, names. */
const MAX_TEXT = 300;
/** The platform's own sentences (StatusMessage, fault Message, Location). */
const MAX_MESSAGE = 2000;
/** An attribute value the product reads is a name, a code or a date; anything else may be longer, and is skipped when it is. */
const MAX_VALUE = 300;
const MAX_FAULTS = 10;

function bad(message: string): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `MemberData answer: ${message}`, { service: 'memberdata' });
}

function bounded(value: string | undefined | null, what: string, limit = MAX_TEXT): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed.length > limit) throw bad(`${what} is too long`);
  return trimmed;
}

const message = (value: string | undefined | null, what: string) => bounded(value, what, MAX_MESSAGE);

/**
 * Reads the answer. `readAttributes` names the attributes the product gives meaning to: an
 * over-long value of one of those refuses the answer, while one of any other attribute is only
 * skipped (and reported in `skipped`), so that an opaque addition never costs the clinician the answer.
 */
export function readMemberDataAnswer(businessContent: Uint8Array, readAttributes: ReadonlySet<string> = READ_ATTRIBUTES): MemberDataAnswer {
  const response = businessContentRoot(businessContent, { namespace: MCN_NS.saml2p, localName: 'Response', name: 'samlp:Response' }, bad);
  if (response.getAttribute('Version') !== '2.0') throw bad('not a SAML 2.0 response');
  const issuer = bounded(textOf(firstChild(response, MCN_NS.saml2, 'Issuer')), 'Issuer');
  if (issuer === undefined || issuer === '') throw bad('no Issuer');
  const statuses = childElements(response, MCN_NS.saml2p, 'Status');
  const status = statuses[0];
  if (statuses.length !== 1 || status === undefined) throw bad('expected one Status');
  const assertionElements = childElements(response, MCN_NS.saml2, 'Assertion');
  if (assertionElements.length > MAX_ASSERTIONS) throw bad('too many assertions');
  const skipped: SkippedValue[] = [];
  return {
    issuer,
    inResponseTo: bounded(response.getAttribute('InResponseTo'), 'InResponseTo') ?? '',
    status: readStatus(status),
    assertions: assertionElements.map((assertion) => readAssertion(assertion, readAttributes, skipped)),
    skipped,
  };
}

function readStatus(status: Element): SamlStatus {
  const top = firstChild(status, MCN_NS.saml2p, 'StatusCode');
  const code = bounded(top?.getAttribute('Value'), 'StatusCode');
  if (top === undefined || code === undefined || code === '') throw bad('no StatusCode');
  const subCode = bounded(firstChild(top, MCN_NS.saml2p, 'StatusCode')?.getAttribute('Value'), 'StatusCode');
  const statusMessage = message(textOf(firstChild(status, MCN_NS.saml2p, 'StatusMessage')), 'StatusMessage');
  const detail = firstChild(status, MCN_NS.saml2p, 'StatusDetail');
  // The CIN fault's wrapper element is not fixed by any schema we have: any child in the CIN types namespace holding a FaultCode.
  const faultElements = detail === undefined ? [] : childElements(detail).filter((element) => firstChild(element, MCN_NS.cinTypes, 'FaultCode') !== undefined);
  if (faultElements.length > MAX_FAULTS) throw bad('too many faults');
  return {
    code,
    ...(subCode !== undefined ? { subCode } : {}),
    ...(statusMessage !== undefined && statusMessage !== '' ? { message: statusMessage } : {}),
    faults: faultElements.map(readFault),
  };
}

function readFault(fault: Element): CinFault {
  const text = (parent: Element, name: string) => {
    const value = textOf(firstChild(parent, MCN_NS.cinTypes, name));
    return name === 'Message' || name === 'Location' ? message(value, name) : bounded(value, name);
  };
  const details = descendants(fault, MCN_NS.cinTypes, 'Detail');
  if (details.length > MAX_FAULTS) throw bad('too many fault details');
  // The platform writes an empty <Message/> where it has nothing to say.
  const faultMessage = text(fault, 'Message');
  return {
    faultCode: text(fault, 'FaultCode') ?? '',
    faultSource: text(fault, 'FaultSource') ?? '',
    ...(faultMessage !== undefined && faultMessage !== '' ? { message: faultMessage } : {}),
    details: details.map((detail) => {
      const optional = (name: 'DetailSource' | 'Location' | 'Message', key: keyof CinFaultDetail) => {
        const value = text(detail, name);
        return value === undefined || value === '' ? {} : { [key]: value };
      };
      return { detailCode: text(detail, 'DetailCode') ?? '', ...optional('DetailSource', 'detailSource'), ...optional('Location', 'location'), ...optional('Message', 'message') };
    }),
  };
}

function readAssertion(assertion: Element, readAttributes: ReadonlySet<string>, skipped: SkippedValue[]): MemberAssertion {
  const type = bounded(textOf(pathFrom(assertion, [[MCN_NS.saml2, 'Advice'], [MCN_NS.memberDataExtension, 'AssertionType']])), 'AssertionType');
  if (type === undefined || type === '') throw bad('an assertion has no AssertionType');
  const subject = firstChild(assertion, MCN_NS.saml2, 'Subject');
  const confirmationData = subject === undefined ? undefined : descendants(subject, MCN_NS.saml2, 'SubjectConfirmationData')[0];
  const attributes = new Map<string, string[]>();
  const statements = childElements(assertion, MCN_NS.saml2, 'AttributeStatement');
  const attributeElements = statements.flatMap((statement) => childElements(statement, MCN_NS.saml2, 'Attribute'));
  if (attributeElements.length > MAX_ATTRIBUTES) throw bad('too many attributes');
  for (const attribute of attributeElements) {
    const name = bounded(attribute.getAttribute('Name'), 'attribute name');
    if (name === undefined || name === '') throw bad('an attribute has no Name');
    const valueElements = childElements(attribute, MCN_NS.saml2, 'AttributeValue');
    if (valueElements.length === 0 || valueElements.length > MAX_VALUES) throw bad('an attribute has no value or too many');
    const values: string[] = [];
    for (const valueElement of valueElements) {
      const value = (textOf(valueElement) ?? '').trim();
      if (value.length <= MAX_VALUE) values.push(value);
      else if (readAttributes.has(name)) throw bad(`${name} is too long`);
      else skipped.push({ assertionType: type, attribute: name, length: value.length });
    }
    if (values.length > 0) attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
  }
  const notBefore = bounded(confirmationData?.getAttribute('NotBefore'), 'NotBefore');
  const notOnOrAfter = bounded(confirmationData?.getAttribute('NotOnOrAfter'), 'NotOnOrAfter');
  const nameId = subject === undefined ? undefined : firstChild(subject, MCN_NS.saml2, 'NameID');
  const subjectId = bounded(textOf(nameId), 'NameID');
  const subjectFormat = bounded(nameId?.getAttribute('Format'), 'NameID Format');
  return {
    type,
    ...(subjectFormat !== undefined && subjectFormat !== '' ? { subjectFormat } : {}),
    attributes,
    ...(notBefore !== undefined && notBefore !== '' ? { notBefore } : {}),
    ...(notOnOrAfter !== undefined && notOnOrAfter !== '' ? { notOnOrAfter } : {}),
    ...(subjectId !== undefined && subjectId !== '' ? { subjectId } : {}),
  };
}
