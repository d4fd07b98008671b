import { describe, expect, it } from 'vitest';
import { attributeQuery, startOfBrusselsDay } from '../../native-host/src/mycarenet/memberdata/attribute-query.js';
import { readDmgHolder, readInsurability } from '../../native-host/src/mycarenet/memberdata/insurability-reader.js';
import { readMemberDataAnswer, type SamlStatus } from '../../native-host/src/mycarenet/memberdata/saml-response.js';
import { checkStatus } from '../../native-host/src/mycarenet/memberdata/status.js';
import { descendants } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { memberDataAnswer } from '../../simulator/src/memberdata/answer.js';
import { scenarioByKey, type ScenarioKey } from '../../simulator/src/scenarios.js';

const day = '2026-03-04';
const consultedAt = new Date('2026-03-04T09:00:00Z');

/** A realistic answer (the simulator's writer), for the reader to read or for a test to spoil. */
function answerFor(key: ScenarioKey, facets: string[] = ['urn:be:cin:nippin:insurability'], contactType = 'other'): string {
  return memberDataAnswer({
    id: '_q',
    ssin: scenarioByKey(key).ssin,
    subject: { format: 'urn:be:fgov:person:ssin', value: scenarioByKey(key).ssin },
    notBefore: `${day}T00:00:00+01:00`,
    notOnOrAfter: '2026-03-05T00:00:00+01:00',
    day,
    facets: new Map(facets.map((facet) => [facet, facet.endsWith(':insurability') ? new Map([['requestType', 'information'], ['contactType', contactType]]) : new Map<string, string>()])),
  }).toString('utf8');
}

function read(xml: string, ssin = scenarioByKey('inOrder').ssin) {
  const answer = readMemberDataAnswer(Buffer.from(xml));
  return readInsurability(answer, { patient: { ssin }, date: day, consultedAt }, checkStatus(answer.status));
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? 'not an AppError';
  }
  return 'no error';
}

describe('the AttributeQuery', () => {
  it('asks one SSIN for one Brussels day, with the facets asked and no attributes', () => {
    const xml = Buffer.from(
      attributeQuery({ inputReference: 'R1', issuerNihii11: '19900104004', patient: { ssin: '85041213359' }, date: '2026-07-01', facets: [{ kind: 'insurability', contactType: 'other' }], now: new Date() }),
    ).toString();
    const document = parseXml(xml);
    expect(document.documentElement.getAttribute('ID')).toBe('_R1');
    const data = descendants(document, 'urn:oasis:names:tc:SAML:2.0:assertion', 'SubjectConfirmationData')[0];
    expect([data?.getAttribute('NotBefore'), data?.getAttribute('NotOnOrAfter')]).toEqual(['2026-07-01T00:00:00+02:00', '2026-07-02T00:00:00+02:00']);
    expect(descendants(document, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Attribute')).toHaveLength(0);
    expect(xml).toContain('<Dimension id="contactType">other</Dimension>');
    expect(codeOf(() => attributeQuery({ inputReference: 'R1', issuerNihii11: '19900104004', patient: { ssin: '85041213359' }, date: '2026-07-01', facets: [{ kind: 'globalMedicalFile' }, { kind: 'globalMedicalFile' }], now: new Date() }))).toBe('INTERNAL');
  });

  it('writes Brussels midnights in winter and in summer time', () => {
    expect(startOfBrusselsDay('2026-01-15')).toBe('2026-01-15T00:00:00+01:00');
    expect(startOfBrusselsDay('2026-08-15')).toBe('2026-08-15T00:00:00+02:00');
  });
});

describe('reading insurability', () => {
  it('reads a patient in order', () => {
    const result = read(answerFor('inOrder'));
    expect(result).toMatchObject({ insurer: '100', paymentByInsurer: false, route: { kind: 'eattest', reason: 'insured' }, consultedAt: consultedAt.toISOString() });
    expect(result.periods).toEqual([{ start: '2025-01-01', end: '2026-12-31', mutuality: '116', registrationNumber: '0085041213', ct1: '110', ct2: '110' }]);
  });

  it('reads the medical house, third-party payment, JSIS and the stay in hospital', () => {
    expect(read(answerFor('medicalHouse'), scenarioByKey('medicalHouse').ssin).route).toEqual({ kind: 'paper', reason: 'medicalHouse' });
    expect(read(answerFor('thirdPartyPayment'), scenarioByKey('thirdPartyPayment').ssin).route).toEqual({ kind: 'efact', reason: 'thirdPartyPayment' });
    expect(read(answerFor('jsis'), scenarioByKey('jsis').ssin)).toMatchObject({ insurer: 'rcam', route: { kind: 'eattest', reason: 'jsis' } });
    expect(read(answerFor('hospitalised', undefined, 'hospitalized'), scenarioByKey('hospitalised').ssin).hospitalisation).toEqual({ hospitalNihii: '71010136000', admissionDate: '2026-03-01', service: '450' });
  });

  it('keeps the MUTATION warning', () => {
    expect(read(answerFor('insurerChanged'), scenarioByKey('insurerChanged').ssin).warnings).toEqual([{ code: 'MUTATION', message: 'There is a mutation during the requested period' }]);
  });

  it('reads the DMG holder, or none', () => {
    const answer = readMemberDataAnswer(Buffer.from(answerFor('inOrder', ['urn:be:cin:nippin:globalMedicalFile'])));
    expect(readDmgHolder(answer, { ssin: scenarioByKey('inOrder').ssin })).toEqual({ nihii11: '19910140004', familyName: 'Dupont', firstName: 'Claire' });
    expect(readDmgHolder(readMemberDataAnswer(Buffer.from(answerFor('notInOrder', ['urn:be:cin:nippin:globalMedicalFile']))), { ssin: scenarioByKey('notInOrder').ssin })).toBeNull();
  });

  const hostile: [string, (xml: string) => string][] = [
    ['a document type declaration', (xml) => xml.replace('<ns4:Response', '<!DOCTYPE r [<!ENTITY x "y">]><ns4:Response')],
    ['another root', (xml) => xml.replaceAll('ns4:Response', 'ns4:ResponseX')],
    ['a SAML 1 version', (xml) => xml.replace('Version="2.0"', 'Version="1.1"')],
    ['an assertion about another person', (xml) => xml.replace(/(<ns2:NameID[^>]*>)\d{11}/, '$100000000097')],
    ['an unknown insurer', (xml) => xml.replace(/(<ns2:Issuer[^>]*>)urn:be:cin:io:100/, '$1urn:evil')],
    ['a payment flag that is not a boolean', (xml) => xml.replace(/(payment:byIO"><ns2:AttributeValue[^>]*>)false/, '$1perhaps')],
    ['a birth date that is not a date', (xml) => xml.replace('1985-04-12', '12/04/1985')],
    ['an overlong value of an attribute the product reads', (xml) => xml.replace('>Lambert<', `>${'L'.repeat(400)}<`)],
    ['a second patientData', (xml) => xml.replace('</ns4:Response>', `${/<ns2:Assertion[\s\S]*?<\/ns2:Assertion>/.exec(xml)?.[0] ?? ''}</ns4:Response>`)],
    ['a mutuality that is no mutuality', (xml) => xml.replace(/(mutuality"><ns2:AttributeValue[^>]*>)116/, '$1ABC')],
    ['too many assertions', (xml) => xml.replace('</ns4:Response>', `${(/<ns2:Assertion[\s\S]*?<\/ns2:Assertion>/.exec(xml)?.[0] ?? '').replace('patientData', 'chronicCondition').repeat(45)}</ns4:Response>`)],
    ['an unknown success status', (xml) => xml.replace('status:Success"/>', 'status:Success"><ns4:StatusCode Value="urn:evil"/></ns4:StatusCode>')],
    ['no status', (xml) => xml.replace(/<ns4:Status>[\s\S]*?<\/ns4:Status>/, '')],
  ];
  for (const [what, spoil] of hostile) {
    it(`refuses ${what} as MYCARENET_BAD_ANSWER`, () => {
      const genuine = answerFor('inOrder');
      const spoiled = spoil(genuine);
      expect(spoiled).not.toBe(genuine);
      expect(codeOf(() => read(spoiled))).toBe('MYCARENET_BAD_ANSWER');
    });
  }
});

describe('values the product does not read', () => {
  it('skips an overlong one and keeps the answer, and keeps a short one as read', () => {
    const genuine = answerFor('inOrder');
    const answer = readMemberDataAnswer(Buffer.from(genuine.replace(/(communicationDate"><ns2:AttributeValue[^>]*>)[^<]*/, `$1${'x'.repeat(5000)}`)));
    expect(answer.skipped).toEqual([
      { assertionType: 'urn:be:cin:nippin:insurability:period', attribute: 'urn:be:cin:nippin:communicationDate', length: 5000 },
      { assertionType: 'urn:be:cin:nippin:technicalAssertion', attribute: 'urn:be:cin:nippin:technicalAssertion:status', length: expect.any(Number) as number },
    ]);
    expect(readInsurability(answer, { patient: { ssin: scenarioByKey('inOrder').ssin }, date: day, consultedAt }, []).route.kind).toBe('eattest');
    expect(answer.assertions.find((assertion) => assertion.type.endsWith(':technicalAssertion'))?.attributes.get('urn:be:cin:nippin:technicalAssertion:version')).toEqual(['7.3.4']);
  });

  it('refuses an overlong value when told the product reads that attribute', () => {
    const genuine = Buffer.from(answerFor('inOrder'));
    expect(codeOf(() => readMemberDataAnswer(genuine, new Set(['urn:be:cin:nippin:technicalAssertion:status'])))).toBe('MYCARENET_BAD_ANSWER');
  });
});

describe('MemberData status', () => {
  const status = (code: string, subCode: string | undefined, detailCode?: string): SamlStatus => ({
    code: `urn:oasis:names:tc:SAML:2.0:status:${code}`,
    ...(subCode !== undefined ? { subCode: `urn:be:cin:nippin:SAML:status:${subCode}` } : {}),
    faults: detailCode === undefined ? [] : [{ faultCode: 'INPUT_ERROR', faultSource: 'MYCARENET', details: [{ detailCode, location: '/AttributeQuery' }] }],
  });

  it('gives typed errors for refusals', () => {
    expect(codeOf(() => checkStatus(status('Responder', 'InternalError', 'BO_UNKNOWN_NISS')))).toBe('PATIENT_UNKNOWN');
    expect(codeOf(() => checkStatus(status('Responder', 'InputError', 'UNKNOWN_NISS_ROUTING')))).toBe('PATIENT_UNKNOWN');
    expect(codeOf(() => checkStatus(status('Responder', 'InputError', 'UNKNOWN_IO')))).toBe('INSURER_UNKNOWN');
    expect(codeOf(() => checkStatus(status('Responder', 'InputError', 'MULTIPLE_IO')))).toBe('INSURER_UNKNOWN');
    expect(codeOf(() => checkStatus(status('Requester', 'InputError', 'START_DATE_IN_FUTURE')))).toBe('DATE_NOT_ALLOWED');
    expect(codeOf(() => checkStatus(status('Requester', 'RequestError', 'CROSSCHECK_ISSUER')))).toBe('MYCARENET_REFUSED');
    expect(codeOf(() => checkStatus(status('Requester', 'AttributeQueryError', 'UNAUTHORIZED_FACET')))).toBe('MYCARENET_ACCESS_DENIED');
    expect(codeOf(() => checkStatus(status('Responder', 'InternalError')))).toBe('MYCARENET_REFUSED');
  });

  it('keeps the detail code for support', () => {
    try {
      checkStatus(status('Requester', 'RequestError', 'CROSSCHECK_ISSUER'));
    } catch (error) {
      expect((error as { details?: Record<string, unknown> }).details).toMatchObject({ detailCode: 'CROSSCHECK_ISSUER', location: '/AttributeQuery', faultSource: 'MYCARENET' });
    }
  });

  it('turns a partial answer into warnings', () => {
    expect(checkStatus(status('Success', undefined))).toEqual([]);
    expect(checkStatus(status('Success', 'PartialAnswer', 'ONLY_FIVE_PERIODS_RETURNED'))).toEqual([{ code: 'ONLY_FIVE_PERIODS_RETURNED' }]);
    expect(checkStatus(status('Success', 'PartialAnswer'))).toEqual([{ code: 'PartialAnswer' }]);
  });
});
