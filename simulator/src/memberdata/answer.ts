import { randomUUID } from 'node:crypto';
import { addDays, inOrderOn, periodsAround, scenarioPatient, type ScenarioPatient } from '../scenarios.js';
import { newDocument, tag, writeXml } from '../xml.js';
import { EXT_NS, FACET_GMF, FACET_INSURABILITY, SAML2_NS, SAML2P_NS, type MemberDataQuery } from './query.js';
import { SamlRefusal } from './refusal.js';

/**
 * The MemberData answer for a scenario patient (PROTOCOL §6.2): a samlp:Response from the patient's
 * insurer with one assertion per block of information, or a status that refuses, with the CIN
 * fault in StatusDetail (§6.4).
 */

const STATUS = 'urn:oasis:names:tc:SAML:2.0:status:';
const CIN_STATUS = 'urn:be:cin:nippin:SAML:status:';
const CIN_TYPES_NS = 'urn:be:cin:types:v1';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const NIPPIN = 'urn:be:cin:nippin';

interface Warning {
  detailCode: string;
  source: string;
  message: string;
}

type Value = string | { date: string } | boolean;

class ResponseWriter {
  readonly document = newDocument(SAML2P_NS, 'samlp:Response');
  readonly root = this.document.documentElement as Element;

  constructor(inResponseTo: string, issuer: string) {
    this.root.setAttribute('ID', `_${randomUUID()}`);
    this.root.setAttribute('InResponseTo', inResponseTo);
    this.root.setAttribute('IssueInstant', new Date().toISOString());
    this.root.setAttribute('Version', '2.0');
    this.root.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:ext', EXT_NS);
    this.root.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:xs', 'http://www.w3.org/2001/XMLSchema');
    this.root.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:xsi', XSI_NS);
    this.root.appendChild(tag(this.document, SAML2_NS, 'saml:Issuer', {}, issuer));
  }

  status(code: string, subCode?: string, fault?: { faultCode: string; faultSource: string; message: string; detailCode: string; location?: string }): void {
    const d = this.document;
    const top = tag(d, SAML2P_NS, 'samlp:StatusCode', { Value: `${STATUS}${code}` }, ...(subCode !== undefined ? [tag(d, SAML2P_NS, 'samlp:StatusCode', { Value: `${CIN_STATUS}${subCode}` })] : []));
    const status = tag(d, SAML2P_NS, 'samlp:Status', {}, top);
    if (fault !== undefined) {
      status.appendChild(tag(d, SAML2P_NS, 'samlp:StatusMessage', {}, fault.message));
      const detail = tag(
        d,
        CIN_TYPES_NS,
        'cin:Detail',
        {},
        tag(d, CIN_TYPES_NS, 'cin:DetailCode', {}, fault.detailCode),
        tag(d, CIN_TYPES_NS, 'cin:DetailSource', {}, fault.faultSource),
        ...(fault.location !== undefined ? [tag(d, CIN_TYPES_NS, 'cin:Location', {}, fault.location)] : []),
        tag(d, CIN_TYPES_NS, 'cin:Message', { 'xml:lang': 'en' }, fault.message),
      );
      const cinFault = tag(
        d,
        CIN_TYPES_NS,
        'cin:Fault',
        {},
        tag(d, CIN_TYPES_NS, 'cin:FaultCode', {}, fault.faultCode),
        tag(d, CIN_TYPES_NS, 'cin:FaultSource', {}, fault.faultSource),
        tag(d, CIN_TYPES_NS, 'cin:Message', { 'xml:lang': 'en' }, fault.message),
        tag(d, CIN_TYPES_NS, 'cin:Details', {}, detail),
      );
      status.appendChild(tag(d, SAML2P_NS, 'samlp:StatusDetail', {}, cinFault));
    }
    this.root.appendChild(status);
  }

  assertion(issuer: string, ssin: string, type: string, window: { notBefore: string; notOnOrAfter: string }, attributes: [string, Value][]): void {
    const d = this.document;
    const advice = tag(d, SAML2_NS, 'saml:Advice', {}, tag(d, EXT_NS, 'ext:AssertionType', {}, type));
    advice.setAttributeNS(XSI_NS, 'xsi:type', 'ext:AdviceType');
    const statement = tag(d, SAML2_NS, 'saml:AttributeStatement');
    for (const [name, value] of attributes) {
      const text = typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : value.date;
      const attributeValue = tag(d, SAML2_NS, 'saml:AttributeValue', {}, text);
      attributeValue.setAttributeNS(XSI_NS, 'xsi:type', typeof value === 'string' ? 'xs:string' : typeof value === 'boolean' ? 'xs:boolean' : 'xs:date');
      statement.appendChild(tag(d, SAML2_NS, 'saml:Attribute', { Name: name }, attributeValue));
    }
    this.root.appendChild(
      tag(
        d,
        SAML2_NS,
        'saml:Assertion',
        { ID: `_${randomUUID()}`, IssueInstant: new Date().toISOString(), Version: '2.0' },
        tag(d, SAML2_NS, 'saml:Issuer', {}, issuer),
        tag(
          d,
          SAML2_NS,
          'saml:Subject',
          {},
          tag(d, SAML2_NS, 'saml:NameID', { Format: 'urn:be:fgov:person:ssin' }, ssin),
          tag(d, SAML2_NS, 'saml:SubjectConfirmation', { Method: 'urn:be:cin:nippin:memberIdentification' }, tag(d, SAML2_NS, 'saml:SubjectConfirmationData', { NotBefore: window.notBefore, NotOnOrAfter: window.notOnOrAfter })),
        ),
        advice,
        statement,
      ),
    );
  }

  text(): Buffer {
    return Buffer.from(writeXml(this.document), 'utf8');
  }
}

/** Midnight in Brussels; the simulator writes winter time all year, which every reader takes as the same day. */
function midnight(day: string): string {
  return `${day}T00:00:00+01:00`;
}

export function refusalAnswer(inResponseTo: string, refusal: SamlRefusal): Buffer {
  const writer = new ResponseWriter(inResponseTo, 'urn:be:cin:nippin');
  writer.status(refusal.status, refusal.subStatus, { faultCode: refusal.faultCode, faultSource: refusal.faultSource, message: refusal.message, detailCode: refusal.detailCode, location: refusal.location });
  return writer.text();
}

export function memberDataAnswer(query: MemberDataQuery): Buffer {
  const patient = scenarioPatient(query.ssin);
  if (patient?.membership === undefined) {
    throw new SamlRefusal('Responder', 'InputError', 'INPUT_ERROR', 'UNKNOWN_NISS_ROUTING', '/AttributeQuery/Subject/NameID', 'Inss not found on Routing algorithm');
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
      `/AttributeQuery/Extensions/Facet[${FACET_INSURABILITY}]/Dimension[contactType]`,
      'The value of contactType is hospitalized and member is not hospitalized',
      source,
    );
  }
  const issuer = `urn:be:cin:io:${insurer}`;
  const writer = new ResponseWriter(query.id, issuer);
  const warnings: Warning[] = [];
  const otherFacets = [...query.facets.keys()].filter((facet) => facet !== FACET_INSURABILITY && facet !== FACET_GMF);
  if (otherFacets.length > 0) warnings.push({ detailCode: 'MISSING_FACETS', source: 'MYCARENET', message: 'Not all the requested facets are available' });
  if (insurability !== undefined && patient.coverage === 'changed') warnings.push({ detailCode: 'MUTATION', source: 'MYCARENET', message: 'There is a mutation during the requested period' });
  const first = warnings[0];
  if (first === undefined) writer.status('Success');
  else writer.status('Success', 'PartialAnswer', { faultCode: 'WARNING', faultSource: first.source, message: first.message, detailCode: first.detailCode });

  const window = { notBefore: query.notBefore, notOnOrAfter: query.notOnOrAfter };
  if (insurability !== undefined) insurabilityAssertions(writer, patient, query, issuer, insurability.get('contactType') === 'hospitalized');
  if (query.facets.has(FACET_GMF) && patient.dmgHolder !== undefined && inOrderOn(patient, query.day)) {
    const holder = patient.dmgHolder;
    writer.assertion(issuer, patient.ssin, `${NIPPIN}:globalMedicalFile`, window, [
      [`${NIPPIN}:globalMedicalFile:hcp:nihii11`, holder.nihii11],
      [`${NIPPIN}:globalMedicalFile:hcp:name`, holder.familyName],
      ...(holder.firstName !== '' ? ([[`${NIPPIN}:globalMedicalFile:hcp:firstName`, holder.firstName]] as [string, Value][]) : []),
    ]);
  }
  return writer.text();
}

function insurabilityAssertions(writer: ResponseWriter, patient: ScenarioPatient, query: MemberDataQuery, issuer: string, hospitalized: boolean): void {
  const window = { notBefore: query.notBefore, notOnOrAfter: query.notOnOrAfter };
  const day = query.day;
  const deceasedDate = patient.deceasedDaysBefore === undefined ? undefined : addDays(day, -patient.deceasedDaysBefore);
  writer.assertion(issuer, patient.ssin, `${NIPPIN}:insurability:patientData`, window, [
    ['urn:be:fgov:person:ssin', patient.ssin],
    [`${NIPPIN}:careReceiver:name`, patient.familyName],
    [`${NIPPIN}:careReceiver:firstName`, patient.firstName],
    [`${NIPPIN}:careReceiver:birthDate`, { date: patient.birthDate }],
    [`${NIPPIN}:careReceiver:gender`, patient.gender],
    ...(deceasedDate !== undefined ? ([[`${NIPPIN}:careReceiver:deceasedDate`, { date: deceasedDate }]] as [string, Value][]) : []),
  ]);
  // The periods that touch the day asked about (at most five, as the platform returns).
  for (const period of periodsAround(patient, day).filter((candidate) => candidate.start <= day && candidate.end >= day).slice(0, 5)) {
    writer.assertion(issuer, patient.ssin, `${NIPPIN}:insurability:period`, { notBefore: midnight(period.start), notOnOrAfter: midnight(addDays(period.end, 1)) }, [
      [`${NIPPIN}:careReceiver:registrationNumber`, period.registrationNumber],
      [`${NIPPIN}:careReceiver:mutuality`, period.mutuality],
      [`${NIPPIN}:cb1`, period.ct1],
      [`${NIPPIN}:cb2`, period.ct2],
      [`${NIPPIN}:communicationDate`, { date: period.start }],
    ]);
  }
  writer.assertion(issuer, patient.ssin, `${NIPPIN}:insurability:payment`, window, [[`${NIPPIN}:payment:byIO`, patient.paymentByInsurer === true]]);
  if (patient.coverage === 'lapsed') writer.assertion(issuer, patient.ssin, `${NIPPIN}:insurability:generalSituation`, window, [[`${NIPPIN}:generalSituation:event`, 'closedBefore']]);
  if (patient.coverage === 'changed') {
    writer.assertion(issuer, patient.ssin, `${NIPPIN}:insurability:generalSituation`, window, [
      [`${NIPPIN}:generalSituation:event`, 'changeDuring'],
      [`${NIPPIN}:generalSituation:transfer:date`, { date: day }],
    ]);
  }
  if (patient.medicalHouse !== undefined) {
    writer.assertion(issuer, patient.ssin, `${NIPPIN}:medicalHouse`, window, [
      [`${NIPPIN}:medicalHouse:nihii11`, patient.medicalHouse.nihii11],
      [`${NIPPIN}:medicalHouse:type`, patient.medicalHouse.type],
      [`${NIPPIN}:medicalHouse:start`, { date: `${Number(day.slice(0, 4)) - 1}-01-01` }],
    ]);
  }
  if (hospitalized && patient.hospitalisation !== undefined) {
    writer.assertion(issuer, patient.ssin, `${NIPPIN}:hospitalisation`, window, [
      [`${NIPPIN}:hospitalisation:hospital:nihii11`, patient.hospitalisation.hospitalNihii],
      [`${NIPPIN}:hospitalisation:admissionDate`, { date: addDays(day, -patient.hospitalisation.admittedDaysBefore) }],
      [`${NIPPIN}:hospitalisation:service`, patient.hospitalisation.service],
    ]);
  }
}
