import { createHash, randomUUID } from 'node:crypto';
import { brusselsClockReading } from '../../../src/shared/domain/calendar.js';
import { addDays, inOrderOn, periodsAround, scenarioPatient, type ScenarioPatient } from '../scenarios.js';
import { newDocument, tag, writeXml } from '../xml.js';
import { EXT_NS, FACET_GMF, FACET_INSURABILITY, FACET_PALLIATIVE, SAML2_NS, SAML2P_NS, UNSUPPORTED_FACETS, type MemberDataQuery } from './query.js';
import { SamlRefusal } from './refusal.js';

/**
 * The MemberData answer for a scenario patient (PROTOCOL §6.2), written the way the acceptance
 * platform writes it (../shared/reference/captures): a samlp:Response from the patient's insurer
 * with one assertion per block of information and a closing technical assertion, or a status that
 * refuses, with the CIN fault in StatusDetail (§6.4). Prefixes, unqualified Fault and Dimension
 * elements, namespace declarations on each AttributeValue, times without a zone: all as captured.
 */

const STATUS = 'urn:oasis:names:tc:SAML:2.0:status:';
const CIN_STATUS = 'urn:be:cin:nippin:SAML:status:';
const CIN_TYPES_NS = 'urn:be:cin:types:v1';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XS_NS = 'http://www.w3.org/2001/XMLSchema';
const NIPPIN = 'urn:be:cin:nippin';
/** The platform's own fault answers come from its attribute authority. */
const PLATFORM_ISSUER = 'urn:be:cin:nippin:aa';

/**
 * Insurers answer through one of two back offices, which differ in small ways seen in the captures:
 * "FBIO" gives the response's and its own assertions' Issuer a Format, writes their IssueInstant in
 * UTC and versions the technical assertion FBIOSM-734; the other writes Brussels time and version
 * 7.3.4. The technical assertion itself is MyCareNet's: plain Issuer, Brussels time, either way.
 */
type BackOffice = 'fbio' | 'mycarenet';
const FBIO_INSURERS = new Set(['400']);

interface Warning {
  detailCode: string;
  detailSource: string;
  message?: string;
}

type Value = string | { date: string } | boolean;

/** An xs:dateTime without a zone, in Brussels time, as the platform writes its instants and windows. */
export function brusselsLocalTime(instant: Date): string {
  const clock = brusselsClockReading(instant);
  return `${clock.year}-${clock.month}-${clock.day}T${clock.hour}:${clock.minute}:${clock.second}`;
}

function utcLocalTime(instant: Date): string {
  return instant.toISOString().slice(0, 19);
}

/** The opaque, compressed status every real answer closes with (0.5–1.3 KB of base64). */
function technicalStatus(seed: string): string {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < 720; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(blocks).toString('base64');
}

function declare(element: Element, prefix: string, ns: string): void {
  element.setAttributeNS(XMLNS_NS, `xmlns:${prefix}`, ns);
}

/** The CIN fault as the platform writes it: an unqualified Fault typed cin:FaultType. */
function cinFault(document: Document, prefix: string, fault: { faultCode: string; faultSource: string; message?: string; details: { detailCode: string; detailSource: string; location?: string; message?: string }[] }, declarePrefix: boolean): Element {
  const cin = (name: string, ...children: (Node | string)[]) => tag(document, CIN_TYPES_NS, `${prefix}:${name}`, {}, ...children);
  const element = document.createElementNS(null, 'Fault');
  if (declarePrefix) declare(element, prefix, CIN_TYPES_NS);
  declare(element, 'xsi', XSI_NS);
  element.setAttributeNS(XSI_NS, 'xsi:type', `${prefix}:FaultType`);
  element.appendChild(cin('FaultCode', fault.faultCode));
  element.appendChild(cin('FaultSource', fault.faultSource));
  if (fault.message !== undefined) element.appendChild(cin('Message', fault.message));
  element.appendChild(
    cin(
      'Details',
      ...fault.details.map((detail) =>
        cin(
          'Detail',
          cin('DetailCode', detail.detailCode),
          cin('DetailSource', detail.detailSource),
          ...(detail.location !== undefined ? [cin('Location', detail.location)] : []),
          ...(detail.message !== undefined ? [cin('Message', detail.message)] : []),
        ),
      ),
    ),
  );
  return element;
}

class InsurerAnswer {
  readonly document = newDocument(SAML2P_NS, 'ns4:Response');
  readonly root = this.document.documentElement as Element;

  constructor(
    private readonly query: MemberDataQuery,
    private readonly issuer: string,
    private readonly backOffice: BackOffice,
    now: Date,
  ) {
    const root = this.root;
    for (const [prefix, ns] of [
      ['ns2', SAML2_NS],
      ['ns3', 'http://www.w3.org/2000/09/xmldsig#'],
      ['ns5', 'http://www.w3.org/2001/04/xmlenc#'],
      ['ns6', EXT_NS],
      ['ns7', CIN_TYPES_NS],
      ['ns8', 'urn:be:cin:nippin:memberData:support:v2'],
    ] as const)
      declare(root, prefix, ns);
    root.setAttribute('ID', `_${randomUUID()}`);
    root.setAttribute('InResponseTo', query.id);
    root.setAttribute('IssueInstant', this.instant(now, 'insurer'));
    root.setAttribute('Version', '2.0');
    root.appendChild(this.issuerElement('insurer'));
  }

  private instant(now: Date, writer: 'insurer' | 'platform'): string {
    return writer === 'insurer' && this.backOffice === 'fbio' ? utcLocalTime(now) : brusselsLocalTime(now);
  }

  private issuerElement(writer: 'insurer' | 'platform'): Element {
    return tag(this.document, SAML2_NS, 'ns2:Issuer', writer === 'insurer' && this.backOffice === 'fbio' ? { Format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity' } : {}, this.issuer);
  }

  status(warnings: readonly Warning[], source: string): void {
    const d = this.document;
    const partial = warnings.length > 0;
    const code = tag(d, SAML2P_NS, 'ns4:StatusCode', { Value: `${STATUS}Success` }, ...(partial ? [tag(d, SAML2P_NS, 'ns4:StatusCode', { Value: `${CIN_STATUS}PartialAnswer` })] : []));
    const status = tag(d, SAML2P_NS, 'ns4:Status', {}, code);
    if (partial) {
      status.appendChild(tag(d, SAML2P_NS, 'ns4:StatusDetail', {}, cinFault(d, 'ns7', { faultCode: 'WARNING', faultSource: source, message: '', details: [...warnings] }, false)));
    }
    this.root.appendChild(status);
  }

  assertion(type: string, facets: readonly string[], window: { notBefore: string; notOnOrAfter: string }, attributes: [string, Value][], writer: 'insurer' | 'platform' = 'insurer'): void {
    const d = this.document;
    const advice = tag(d, SAML2_NS, 'ns2:Advice', {}, tag(d, EXT_NS, 'ns6:AssertionType', {}, type), ...facets.map((facet) => this.facetEcho(facet)));
    declare(advice, 'xsi', XSI_NS);
    advice.setAttributeNS(XSI_NS, 'xsi:type', 'ns6:AdviceType');
    const statement = tag(d, SAML2_NS, 'ns2:AttributeStatement');
    for (const [name, value] of attributes) {
      const text = typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : value.date;
      const attributeValue = tag(d, SAML2_NS, 'ns2:AttributeValue', {}, text);
      declare(attributeValue, 'xs', XS_NS);
      declare(attributeValue, 'xsi', XSI_NS);
      attributeValue.setAttributeNS(XSI_NS, 'xsi:type', typeof value === 'string' ? 'xs:string' : typeof value === 'boolean' ? 'xs:boolean' : 'xs:date');
      statement.appendChild(tag(d, SAML2_NS, 'ns2:Attribute', { Name: name }, attributeValue));
    }
    const subject = this.query.subject;
    this.root.appendChild(
      tag(
        d,
        SAML2_NS,
        'ns2:Assertion',
        { ID: `_${randomUUID()}`, IssueInstant: this.instant(new Date(), writer), Version: '2.0' },
        this.issuerElement(writer),
        tag(
          d,
          SAML2_NS,
          'ns2:Subject',
          {},
          // Each assertion names the patient as the query did.
          tag(d, SAML2_NS, 'ns2:NameID', { Format: subject.format }, subject.value),
          tag(d, SAML2_NS, 'ns2:SubjectConfirmation', { Method: 'urn:be:cin:nippin:memberIdentification' }, tag(d, SAML2_NS, 'ns2:SubjectConfirmationData', { NotBefore: window.notBefore, NotOnOrAfter: window.notOnOrAfter })),
        ),
        advice,
        statement,
      ),
    );
  }

  /** The facet asked for, with its dimensions, echoed in the Advice (Dimension is unqualified). */
  private facetEcho(facet: string): Element {
    const d = this.document;
    const dimensions = [...(this.query.facets.get(facet) ?? new Map<string, string>())].map(([id, value]) => {
      const dimension = d.createElementNS(null, 'Dimension');
      dimension.setAttribute('id', id);
      dimension.appendChild(d.createTextNode(value));
      return dimension;
    });
    return tag(d, EXT_NS, 'ns6:Facet', { id: facet }, ...dimensions);
  }

  /** Every real answer closes with it, echoing all the facets asked. */
  technicalAssertion(window: { notBefore: string; notOnOrAfter: string }): void {
    this.assertion(
      `${NIPPIN}:technicalAssertion`,
      [...this.query.facets.keys()],
      window,
      [
        [`${NIPPIN}:technicalAssertion:status`, technicalStatus(this.query.id)],
        [`${NIPPIN}:technicalAssertion:version`, this.backOffice === 'fbio' ? 'FBIOSM-734' : '7.3.4'],
      ],
      'platform',
    );
  }

  text(): Buffer {
    return Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>${writeXml(this.document)}`, 'utf8');
  }
}

/** A refusal by the platform (or an insurer), in the platform's fault answer shape (saml2p/saml2 prefixes, unqualified Fault). */
export function refusalAnswer(inResponseTo: string, refusal: SamlRefusal, now = new Date()): Buffer {
  const document = newDocument(SAML2P_NS, 'saml2p:Response');
  const root = document.documentElement as Element;
  root.setAttribute('ID', `_${randomUUID()}`);
  root.setAttribute('InResponseTo', inResponseTo);
  root.setAttribute('IssueInstant', brusselsLocalTime(now));
  root.setAttribute('Version', '2.0');
  const issuer = tag(document, SAML2_NS, 'saml2:Issuer', {}, PLATFORM_ISSUER);
  declare(issuer, 'saml2', SAML2_NS);
  root.appendChild(issuer);
  const code = tag(document, SAML2P_NS, 'saml2p:StatusCode', { Value: `${STATUS}${refusal.status}` }, tag(document, SAML2P_NS, 'saml2p:StatusCode', { Value: `${CIN_STATUS}${refusal.subStatus}` }));
  const fault = cinFault(
    document,
    'ns2',
    { faultCode: refusal.faultCode, faultSource: refusal.faultSource, details: [{ detailCode: refusal.detailCode, detailSource: refusal.faultSource, location: refusal.location, message: refusal.message }] },
    true,
  );
  root.appendChild(tag(document, SAML2P_NS, 'saml2p:Status', {}, code, tag(document, SAML2P_NS, 'saml2p:StatusDetail', {}, fault)));
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${writeXml(document)}`, 'utf8');
}

/** Midnight of a Belgian day, as the platform writes period bounds (no zone). */
function midnight(day: string): string {
  return `${day}T00:00:00`;
}

export function memberDataAnswer(query: MemberDataQuery, now = new Date()): Buffer {
  const patient = scenarioPatient(query.ssin);
  if (patient?.membership === undefined) {
    throw new SamlRefusal('Responder', 'InputError', 'INPUT_ERROR', 'UNKNOWN_NISS_ROUTING', '*:AttributeQuery/*:Subject/*:NameID', 'Inss not found on Routing algorithm');
  }
  const insurer = patient.membership.insurer;
  const source = `IO-BE-${insurer}`;
  const insurability = query.facets.get(FACET_INSURABILITY);
  if (insurability?.get('contactType') === 'hospitalized' && patient.hospitalisation === undefined) {
    throw new SamlRefusal(
      'Responder',
      'AttributeQueryError',
      'INPUT_ERROR',
      'MISMATCHED_CONTACTTYPE',
      `*:AttributeQuery/*:Extensions/*:Facet[@id='${FACET_INSURABILITY}']/*:Dimension[@id='contactType']`,
      'The value of contactType is hospitalized and member is not hospitalized',
      source,
    );
  }
  const issuer = `urn:be:cin:io:${insurer}`;
  const backOffice: BackOffice = FBIO_INSURERS.has(insurer) ? 'fbio' : 'mycarenet';
  const writer = new InsurerAnswer(query, issuer, backOffice, now);
  const warnings: Warning[] = [];
  const unsupported = [...query.facets.keys()].flatMap((facet) => {
    const name = UNSUPPORTED_FACETS.get(facet);
    return name === undefined ? [] : [name];
  });
  if (unsupported.length > 0) {
    warnings.push({ detailCode: 'BO_MISSING_FACET', detailSource: 'FBIO' });
    for (const name of unsupported) warnings.push({ detailCode: 'FACET_EXCEPTION', detailSource: name, message: `facet ${name} is not supported by FBIO` });
  }
  if (insurability !== undefined && patient.coverage === 'changed') warnings.push({ detailCode: 'MUTATION', detailSource: 'MYCARENET', message: 'There is a mutation during the requested period' });
  writer.status(warnings, source);

  const window = { notBefore: brusselsLocalTime(new Date(query.notBefore)), notOnOrAfter: brusselsLocalTime(new Date(query.notOnOrAfter)) };
  if (insurability !== undefined) insurabilityAssertions(writer, patient, query, window, now);
  if (query.facets.has(FACET_GMF) && patient.dmgHolder !== undefined && inOrderOn(patient, query.day)) {
    const holder = patient.dmgHolder;
    writer.assertion(`${NIPPIN}:globalMedicalFile`, [FACET_GMF], window, [
      [`${NIPPIN}:globalMedicalFile:hcp:nihii11`, holder.nihii11],
      [`${NIPPIN}:globalMedicalFile:hcp:name`, holder.familyName],
      ...(holder.firstName !== '' ? ([[`${NIPPIN}:globalMedicalFile:hcp:firstName`, holder.firstName]] as [string, Value][]) : []),
    ]);
  }
  // Absent, not an error, when the patient has no palliative status.
  if (query.facets.has(FACET_PALLIATIVE) && patient.palliativeSinceDaysBefore !== undefined) {
    writer.assertion(`${NIPPIN}:palliativeStatus`, [FACET_PALLIATIVE], window, [[`${NIPPIN}:palliativeStatus:startDate`, { date: addDays(query.day, -patient.palliativeSinceDaysBefore) }]]);
  }
  writer.technicalAssertion(window);
  return writer.text();
}

function insurabilityAssertions(writer: InsurerAnswer, patient: ScenarioPatient, query: MemberDataQuery, window: { notBefore: string; notOnOrAfter: string }, now: Date): void {
  const day = query.day;
  const facets = [FACET_INSURABILITY];
  const deceasedDate = patient.deceasedDaysBefore === undefined ? undefined : addDays(day, -patient.deceasedDaysBefore);
  writer.assertion(`${NIPPIN}:insurability:patientData`, facets, window, [
    ['urn:be:fgov:person:ssin', patient.ssin],
    [`${NIPPIN}:careReceiver:name`, patient.familyName],
    [`${NIPPIN}:careReceiver:firstName`, patient.firstName],
    [`${NIPPIN}:careReceiver:birthDate`, { date: patient.birthDate }],
    ...(deceasedDate !== undefined ? ([[`${NIPPIN}:careReceiver:deceasedDate`, { date: deceasedDate }]] as [string, Value][]) : []),
    [`${NIPPIN}:careReceiver:gender`, patient.gender],
  ]);
  const invoicing = query.facets.get(FACET_INSURABILITY)?.get('requestType') === 'invoicing';
  // The periods that touch the day asked about (at most five, as the platform returns), newest first.
  const periods = periodsAround(patient, day)
    .filter((candidate) => candidate.start <= day && candidate.end >= day)
    .slice(0, 5)
    .reverse();
  for (const period of periods) {
    writer.assertion(`${NIPPIN}:insurability:period`, facets, { notBefore: midnight(period.start), notOnOrAfter: midnight(addDays(period.end, 1)) }, [
      [`${NIPPIN}:careReceiver:registrationNumber`, period.registrationNumber],
      [`${NIPPIN}:careReceiver:mutuality`, period.mutuality],
      [`${NIPPIN}:cb1`, period.ct1],
      [`${NIPPIN}:cb2`, period.ct2],
      [`${NIPPIN}:communicationDate`, { date: brusselsLocalTime(now).slice(0, 10) }],
      // With requestType invoicing, the insurer adds the token a third-party invoice must quote.
      ...(invoicing ? ([[`${NIPPIN}:paymentApproval`, createHash('md5').update(`${query.id}${period.start}`).digest('hex').toUpperCase()]] as [string, Value][]) : []),
    ]);
  }
  writer.assertion(`${NIPPIN}:insurability:payment`, facets, window, [[`${NIPPIN}:payment:byIO`, patient.paymentByInsurer === true]]);
  if (patient.coverage === 'lapsed') writer.assertion(`${NIPPIN}:insurability:generalSituation`, facets, window, [[`${NIPPIN}:generalSituation:event`, 'closedBefore']]);
  if (patient.coverage === 'changed') {
    writer.assertion(`${NIPPIN}:insurability:generalSituation`, facets, window, [
      [`${NIPPIN}:generalSituation:event`, 'changeDuring'],
      [`${NIPPIN}:generalSituation:transfer:date`, { date: day }],
    ]);
  }
  if (patient.medicalHouse !== undefined) {
    writer.assertion(`${NIPPIN}:medicalHouse`, facets, window, [
      [`${NIPPIN}:medicalHouse:nihii11`, patient.medicalHouse.nihii11],
      [`${NIPPIN}:medicalHouse:type`, patient.medicalHouse.type],
      [`${NIPPIN}:medicalHouse:start`, { date: `${Number(day.slice(0, 4)) - 1}-01-01` }],
    ]);
  }
  if (query.facets.get(FACET_INSURABILITY)?.get('contactType') === 'hospitalized' && patient.hospitalisation !== undefined) {
    writer.assertion(`${NIPPIN}:hospitalisation`, facets, window, [
      [`${NIPPIN}:hospitalisation:hospital:nihii11`, patient.hospitalisation.hospitalNihii],
      [`${NIPPIN}:hospitalisation:service`, patient.hospitalisation.service],
      [`${NIPPIN}:hospitalisation:admissionDate`, { date: addDays(day, -patient.hospitalisation.admittedDaysBefore) }],
    ]);
  }
}
