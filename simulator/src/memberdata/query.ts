import type { Caller } from '../front.js';
import { BadRequest, childrenNS, readXml, text } from '../xml.js';
import { memberByRegistration } from '../scenarios.js';
import { queryError, SamlRefusal } from './refusal.js';

/**
 * The MemberData AttributeQuery as the platform validates it (PROTOCOL §6.1, the MemberData error
 * catalogue): issuer and ID cross-checks, no attributes, typed extensions, known and authorised
 * facets with valid dimensions, an SSIN subject and a sensible period.
 */

export const SAML2P_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML2_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const EXT_NS = 'urn:be:cin:nippin:memberdata:saml:extension';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export const FACET_INSURABILITY = 'urn:be:cin:nippin:insurability';
export const FACET_GMF = 'urn:be:cin:nippin:globalMedicalFile';
export const FACET_PALLIATIVE = 'urn:be:cin:nippin:palliativeStatus';
const SSIN_FORMAT = 'urn:be:fgov:person:ssin';
const REGISTRATION_FORMAT = 'urn:be:cin:nippin:careReceiver:registrationNumber@mut';
/** Facets the platform knows but no simulated insurer supports, with the name FBIO gives them in its PartialAnswer. */
export const UNSUPPORTED_FACETS: ReadonlyMap<string, string> = new Map([
  ['urn:be:cin:nippin:chronicCondition', 'CHRONICCONDITION'],
  ['urn:be:cin:nippin:carePath', 'CAREPATH'],
  ['urn:be:cin:nippin:referencePharmacy', 'REFERENCEPHARMACY'],
]);
/** Facets the platform knows. */
const KNOWN_FACETS = new Set([FACET_INSURABILITY, FACET_GMF, FACET_PALLIATIVE, ...UNSUPPORTED_FACETS.keys()]);


export interface MemberDataQuery {
  id: string;
  /** The patient the query resolves to (a registration number is looked up at its mutuality). */
  ssin: string;
  /** The Subject NameID as asked, which every assertion of the answer repeats. */
  subject: { format: string; value: string };
  /** The window asked about, as sent. */
  notBefore: string;
  notOnOrAfter: string;
  /** The Belgian day the window starts on. */
  day: string;
  facets: Map<string, Map<string, string>>;
}

const brusselsDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' });
export function brusselsDate(instant: Date): string {
  return brusselsDay.format(instant);
}

function isValidSsin(ssin: string): boolean {
  const base = ssin.slice(0, 9);
  const check = Number(ssin.slice(9));
  return 97 - (Number(base) % 97) === check || 97 - (Number(`2${base}`) % 97) === check;
}

function resolvedType(element: Element): string | undefined {
  const value = element.getAttributeNS(XSI_NS, 'type');
  if (value === null || value === '') return undefined;
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? null : value.slice(0, colon);
  const ns = element.lookupNamespaceURI(prefix);
  return `{${ns ?? ''}}${value.slice(colon + 1)}`;
}

function elements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
}

export function readQuery(bytes: Buffer, inputReference: string, caller: Caller, now: Date): MemberDataQuery {
  const query = readXml(bytes.toString('utf8')).documentElement as Element;
  if (query.namespaceURI !== SAML2P_NS || query.localName !== 'AttributeQuery') throw new BadRequest('the business content is not a samlp:AttributeQuery');
  const id = query.getAttribute('ID') ?? '';
  if (query.getAttribute('Version') !== '2.0' || id === '') throw queryError('INVALID_REQUEST', '/AttributeQuery', 'a SAML 2.0 AttributeQuery with an ID is required');
  if (id !== `_${inputReference}`) throw new SamlRefusal('Requester', 'RequestError', 'VALIDATION_ERROR', 'CROSSCHECK_ID', '/AttributeQuery/@ID', 'crosscheck attributeQuery/ID vs. InputReference');

  const issuer = childrenNS(query, SAML2_NS, 'Issuer')[0];
  if (issuer === undefined) throw queryError('MISSING_ISSUER_TAG', '/AttributeQuery', 'Missing Issuer tag');
  const format = issuer.getAttribute('Format');
  if (format === null || format === '') throw queryError('MISSING_ISSUER_FORMAT', '/AttributeQuery/Issuer', 'Missing issuer format');
  if (format !== 'urn:be:cin:nippin:nihii11') throw queryError('INVALID_ISSUER_FORMAT', '/AttributeQuery/Issuer/@Format', 'Invalid Format attribute value for Issuer');
  // CommonInput's NIHII is the token's (checked before): the issuer must be that same care provider.
  if (text(issuer) !== caller.nihii11) throw new SamlRefusal('Requester', 'RequestError', 'VALIDATION_ERROR', 'CROSSCHECK_ISSUER', '/AttributeQuery/Issuer/text()', 'crosscheck attributeQuery/Issuer vs. NIHII');
  if (childrenNS(query, SAML2_NS, 'Attribute').length > 0) throw queryError('FORBIDDEN_ATTRIBUTES', '/AttributeQuery/Attribute', 'Attributes are not allowed in request');

  const extensions = childrenNS(query, SAML2P_NS, 'Extensions')[0];
  if (extensions === undefined) throw queryError('MISSING_EXTENSIONS_TAG', '/AttributeQuery', 'Missing Extensions tag');
  if (resolvedType(extensions) !== `{${EXT_NS}}ExtensionsType`) throw queryError('MISSING_OR_BAD_EXTENSIONS_TYPE', '/AttributeQuery/Extensions/@xsi:type', 'Bad Extensions type');
  const facets = readFacets(extensions, caller);

  const subject = childrenNS(query, SAML2_NS, 'Subject')[0];
  const nameId = subject === undefined ? undefined : childrenNS(subject, SAML2_NS, 'NameID')[0];
  if (subject === undefined || nameId === undefined) throw queryError('MISSING_SUBJECT', '/AttributeQuery/Subject', 'Missing subject');
  const asked = { format: nameId.getAttribute('Format') ?? '', value: text(nameId) };
  const ssin = subjectSsin(asked);

  const confirmation = childrenNS(subject, SAML2_NS, 'SubjectConfirmation')[0];
  if (confirmation === undefined) throw queryError('MISSING_SUBJECT_CONFIRMATION_TAG', '/AttributeQuery/Subject', 'Missing subject confirmation tag');
  if (confirmation.getAttribute('Method') !== 'urn:be:cin:nippin:memberIdentification') {
    throw queryError('INVALID_SUBJECT_CONFIRMATION_METHOD_VALUE', '/AttributeQuery/Subject/SubjectConfirmation/@Method', 'Invalid subject confirmation method value');
  }
  const data = childrenNS(confirmation, SAML2_NS, 'SubjectConfirmationData')[0];
  if (data === undefined) throw queryError('MISSING_SUBJECT_CONFIRMATION_DATA_TAG', '/AttributeQuery/Subject/SubjectConfirmation', 'Missing subject confirmation Data tag');
  const location = '/AttributeQuery/Subject/SubjectConfirmation/SubjectConfirmationData';
  const notBefore = data.getAttribute('NotBefore') ?? '';
  const notOnOrAfter = data.getAttribute('NotOnOrAfter') ?? '';
  const start = Date.parse(notBefore);
  const end = Date.parse(notOnOrAfter);
  if (notBefore === '' || Number.isNaN(start)) throw queryError('EMPTY_STARTDATE', `${location}/@NotBefore`, 'The Start Date is missing');
  if (notOnOrAfter === '' || Number.isNaN(end)) throw queryError('EMPTY_ENDDATE', `${location}/@NotOnOrAfter`, 'The End Date is missing');
  if (end < start) throw queryError('INVALID_PERIOD', `${location}/@NotOnOrAfter`, 'The End Date is before start Date');
  const day = brusselsDate(new Date(start));
  const today = brusselsDate(now);
  if (day > today) throw new SamlRefusal('Requester', 'InputError', 'INPUT_ERROR', 'START_DATE_IN_FUTURE', `${location}/@NotBefore`, 'The Start Date is in the future');
  const fiveYearsAgo = `${Number(today.slice(0, 4)) - 5}${today.slice(4)}`;
  if (day < fiveYearsAgo) throw new SamlRefusal('Requester', 'InputError', 'INPUT_ERROR', 'PERIOD_TOO_FAR_IN_PAST', location, 'Request more than 5 years in the past');
  return { id, ssin, subject: asked, notBefore, notOnOrAfter, day, facets };
}

/** The SSIN the subject names: itself, or the member with that registration number at that mutuality. */
function subjectSsin(subject: { format: string; value: string }): string {
  const location = '/AttributeQuery/Subject/NameID';
  if (subject.format === '') throw queryError('MISSING_NAMEID_FORMAT', location, 'Missing Format attribute for NameId');
  if (subject.format === SSIN_FORMAT) {
    if (!/^\d{11}$/.test(subject.value)) throw queryError('INVALID_INSS_FORMAT', location, 'The INSS has an invalid format (not 11 digits)');
    if (!isValidSsin(subject.value)) throw queryError('INVALID_INSS_VALUE', location, 'The inss is incorrect (incorrect check digit)');
    return subject.value;
  }
  if (subject.format !== REGISTRATION_FORMAT) throw queryError('INVALID_NAMEID_FORMAT', `${location}/@Format`, 'Invalid Format attribute value for NameId');
  const match = /^([0-9A-Z ]{1,13})@(\d{3}|rcam)$/.exec(subject.value);
  if (subject.value === '' || match === null) throw queryError('EMPTY_REG_NUM', location, 'regNrWithMut not present');
  const member = memberByRegistration(match[1] ?? '', match[2] ?? '');
  if (member === undefined) throw new SamlRefusal('Responder', 'InternalError', 'INPUT_ERROR', 'BO_UNKNOWN_REGNBR', '/', 'regNrWithMut unknown in IO', 'IO-BE-XXX');
  return member.ssin;
}

function readFacets(extensions: Element, caller: Caller): Map<string, Map<string, string>> {
  const facets = new Map<string, Map<string, string>>();
  const children = elements(extensions);
  if (children.length === 0) throw queryError('INVALID_FACET_COMBINATION', '/AttributeQuery/Extensions', 'No facet was asked');
  for (const facet of children) {
    const id = facet.getAttribute('id') ?? '';
    if (facet.namespaceURI !== EXT_NS || facet.localName !== 'Facet' || !KNOWN_FACETS.has(id)) throw queryError('UNKNOWN_FACET', '/AttributeQuery/Extensions/Facet', 'A requested facet does not exist');
    if (facets.has(id)) throw queryError('DUPLICATED_FACET', '/AttributeQuery/Extensions/Facet', 'A facet is asked more than once');
    // The DMG belongs to general practice: dentists have no access to the facet.
    if (id === FACET_GMF && caller.profession !== 'doctor') {
      throw new SamlRefusal('Requester', 'AttributeQueryError', 'AUTHORIZATION_ERROR', 'UNAUTHORIZED_FACET', '/AttributeQuery/Extensions/Facet', 'Access rights are insufficient for a requested facet');
    }
    const dimensions = new Map<string, string>();
    for (const dimension of elements(facet)) {
      const name = dimension.getAttribute('id') ?? '';
      const allowed = id === FACET_INSURABILITY ? ['requestType', 'contactType'] : [];
      const location = `/AttributeQuery/Extensions/Facet[${id}]/Dimension`;
      if ((dimension.namespaceURI !== null && dimension.namespaceURI !== '') || dimension.localName !== 'Dimension' || !allowed.includes(name)) {
        throw queryError('INVALID_DIMENSION_ID', location, 'A dimension is invalid in a facet');
      }
      if (dimensions.has(name)) throw queryError('DUPLICATED_DIMENSION', location, 'A unique dimension is repeated');
      dimensions.set(name, text(dimension));
    }
    if (id === FACET_INSURABILITY) checkInsurabilityDimensions(dimensions);
    facets.set(id, dimensions);
  }
  return facets;
}

function checkInsurabilityDimensions(dimensions: Map<string, string>): void {
  const location = `/AttributeQuery/Extensions/Facet[${FACET_INSURABILITY}]/Dimension`;
  const rules: [string, string, readonly string[]][] = [
    ['requestType', 'REQUESTTYPE', ['information', 'invoicing']],
    ['contactType', 'CONTACTTYPE', ['other', 'hospitalized']],
  ];
  for (const [name, code, values] of rules) {
    const value = dimensions.get(name);
    if (value === undefined) throw queryError('MISSING_DIMENSION', location, 'A mandatory dimension is missing in a facet');
    if (value === '') throw queryError(`EMPTY_${code}`, `${location}[${name}]`, `The ${name} dimension is empty`);
    if (!values.includes(value)) throw queryError(`UNALLOWED_${code}`, `${location}[${name}]`, `The value of ${name} is not in the list of allowed values`);
  }
}
