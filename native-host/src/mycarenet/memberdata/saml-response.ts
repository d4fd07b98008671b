import { AppError } from '../../../../src/shared/errors.js';
import { childElements, descendants, firstChild, pathFrom, textOf } from '../../ehealth/xml/dom.js';
import { businessContentRoot } from '../commons/business-content.js';
import { MCN_NS } from '../commons/namespaces.js';

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
  /** The assertion's own Subject period (NotBefore / NotOnOrAfter), when it has one. */
  notBefore?: string;
  notOnOrAfter?: string;
  subjectId?: string;
  /** Attribute name → its values, in order. */
  attributes: ReadonlyMap<string, readonly string[]>;
}

export interface MemberDataAnswer {
  issuer: string;
  inResponseTo: string;
  status: SamlStatus;
  assertions: MemberAssertion[];
}

const MAX_ASSERTIONS = 40;
const MAX_ATTRIBUTES = 40;
const MAX_VALUES = 10;
const MAX_TEXT = 300;
const MAX_FAULTS = 10;

function bad(message: string): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `MemberData answer: ${message}`, { service: 'memberdata' });
}

function bounded(value: string | undefined | null, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEXT) throw bad(`${what} is too long`);
  return trimmed;
}

export function readMemberDataAnswer(businessContent: Uint8Array): MemberDataAnswer {
  const response = businessContentRoot(businessContent, { namespace: MCN_NS.saml2p, localName: 'Response', name: 'samlp:Response' }, bad);
  if (response.getAttribute('Version') !== '2.0') throw bad('not a SAML 2.0 response');
  const issuer = bounded(textOf(firstChild(response, MCN_NS.saml2, 'Issuer')), 'Issuer');
  if (issuer === undefined || issuer === '') throw bad('no Issuer');
  const statuses = childElements(response, MCN_NS.saml2p, 'Status');
  const status = statuses[0];
  if (statuses.length !== 1 || status === undefined) throw bad('expected one Status');
  const assertionElements = childElements(response, MCN_NS.saml2, 'Assertion');
  if (assertionElements.length > MAX_ASSERTIONS) throw bad('too many assertions');
  return {
    issuer,
    inResponseTo: response.getAttribute('InResponseTo') ?? '',
    status: readStatus(status),
    assertions: assertionElements.map(readAssertion),
  };
}

function readStatus(status: Element): SamlStatus {
  const top = firstChild(status, MCN_NS.saml2p, 'StatusCode');
  const code = bounded(top?.getAttribute('Value'), 'StatusCode');
  if (top === undefined || code === undefined || code === '') throw bad('no StatusCode');
  const subCode = bounded(firstChild(top, MCN_NS.saml2p, 'StatusCode')?.getAttribute('Value'), 'StatusCode');
  const message = bounded(textOf(firstChild(status, MCN_NS.saml2p, 'StatusMessage')), 'StatusMessage');
  const detail = firstChild(status, MCN_NS.saml2p, 'StatusDetail');
  // The CIN fault's wrapper element is not fixed by any schema we have: any child in the CIN types namespace holding a FaultCode.
  const faultElements = detail === undefined ? [] : childElements(detail).filter((element) => firstChild(element, MCN_NS.cinTypes, 'FaultCode') !== undefined);
  if (faultElements.length > MAX_FAULTS) throw bad('too many faults');
  return {
    code,
    ...(subCode !== undefined ? { subCode } : {}),
    ...(message !== undefined && message !== '' ? { message } : {}),
    faults: faultElements.map(readFault),
  };
}

function readFault(fault: Element): CinFault {
  const text = (parent: Element, name: string) => bounded(textOf(firstChild(parent, MCN_NS.cinTypes, name)), name);
  const details = descendants(fault, MCN_NS.cinTypes, 'Detail');
  if (details.length > MAX_FAULTS) throw bad('too many fault details');
  const message = text(fault, 'Message');
  return {
    faultCode: text(fault, 'FaultCode') ?? '',
    faultSource: text(fault, 'FaultSource') ?? '',
    ...(message !== undefined ? { message } : {}),
    details: details.map((detail) => {
      const optional = (name: 'DetailSource' | 'Location' | 'Message', key: keyof CinFaultDetail) => {
        const value = text(detail, name);
        return value === undefined ? {} : { [key]: value };
      };
      return { detailCode: text(detail, 'DetailCode') ?? '', ...optional('DetailSource', 'detailSource'), ...optional('Location', 'location'), ...optional('Message', 'message') };
    }),
  };
}

function readAssertion(assertion: Element): MemberAssertion {
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
    const values = childElements(attribute, MCN_NS.saml2, 'AttributeValue').map((value) => bounded(textOf(value), name) ?? '');
    if (values.length === 0 || values.length > MAX_VALUES) throw bad('an attribute has no value or too many');
    attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
  }
  const notBefore = bounded(confirmationData?.getAttribute('NotBefore'), 'NotBefore');
  const notOnOrAfter = bounded(confirmationData?.getAttribute('NotOnOrAfter'), 'NotOnOrAfter');
  const subjectId = bounded(textOf(subject === undefined ? undefined : firstChild(subject, MCN_NS.saml2, 'NameID')), 'NameID');
  return {
    type,
    attributes,
    ...(notBefore !== undefined && notBefore !== '' ? { notBefore } : {}),
    ...(notOnOrAfter !== undefined && notOnOrAfter !== '' ? { notOnOrAfter } : {}),
    ...(subjectId !== undefined && subjectId !== '' ? { subjectId } : {}),
  };
}
