import { describe, expect, it } from 'vitest';
import type { Insurability, MemberSubject } from '../../src/shared/domain/insurability.js';
import { readDmgHolder, readInsurability, readPalliativeStatus } from '../../native-host/src/mycarenet/memberdata/insurability-reader.js';
import { readMemberDataAnswer } from '../../native-host/src/mycarenet/memberdata/saml-response.js';
import { checkStatus } from '../../native-host/src/mycarenet/memberdata/status.js';
import { captures } from '../support/captures.js';

/**
 * Every MemberData answer captured on the acceptance platform, read by the code the host runs on a
 * consultation (readMemberDataAnswer → checkStatus → readInsurability / readDmgHolder /
 * readPalliativeStatus), to the values the answer holds. All were asked for 2021-01-01..2022-01-16.
 */

const asked = '2021-01-01';
const consultedAt = new Date('2023-05-30T12:52:00Z');

type Expected = Omit<Insurability, 'date' | 'consultedAt'>;

const blomme: Expected = {
  patient: { ssin: '90060421941', familyName: 'BLOMME', firstName: 'PIETER RAOUL', birthDate: '1990-06-04', gender: 'male' },
  insurer: '100',
  periods: [{ start: '2021-01-01', end: '2022-01-15', mutuality: '101', registrationNumber: '900604 083M79', ct1: '110', ct2: '110' }],
  paymentByInsurer: false,
  warnings: [],
  route: { kind: 'eattest', reason: 'insured' },
};

const collard: Expected = {
  patient: { ssin: '58121520763', familyName: 'COLLARD', firstName: 'FREDDY', birthDate: '1958-12-15', gender: 'male' },
  insurer: '300',
  periods: [
    { start: '2021-01-01', end: '2021-12-31', mutuality: '319', registrationNumber: '0001995151258', ct1: '110', ct2: '110' },
    { start: '2022-01-01', end: '2022-01-15', mutuality: '319', registrationNumber: '0001995151258', ct1: '130', ct2: '130' },
  ],
  paymentByInsurer: true,
  warnings: [],
  route: { kind: 'efact', reason: 'thirdPartyPayment' },
};

const insurabilityAnswers: Record<string, { asked: MemberSubject; expected: Expected }> = {
  'mda-acc-20230530T145204-io100-insurability-information-other.xml': { asked: { ssin: '90060421941' }, expected: blomme },
  'mda-acc-20230530T145216-io100-insurability-information-other.xml': {
    asked: { ssin: '84022148878' },
    expected: {
      patient: { ssin: '84022148878', familyName: 'KAMUNGA', firstName: 'LINDA SARAH', birthDate: '1984-02-21', gender: 'female' },
      insurer: '100',
      periods: [
        { start: '2021-01-01', end: '2022-01-03', mutuality: '129', registrationNumber: '840221 170M07', ct1: '110', ct2: '110' },
        { start: '2022-01-04', end: '2022-01-15', mutuality: '129', registrationNumber: '840221 170M07', ct1: '120', ct2: '120' },
      ],
      paymentByInsurer: false,
      warnings: [],
      route: { kind: 'eattest', reason: 'insured' },
    },
  },
  'mda-acc-20230530T145218-io300-insurability-information-other.xml': {
    asked: { ssin: '57010179489' },
    expected: {
      patient: { ssin: '57010179489', familyName: 'GHAZAL', firstName: 'KHADIJA', birthDate: '1957-01-01', gender: 'female' },
      insurer: '300',
      periods: [],
      paymentByInsurer: true,
      generalSituation: { event: 'closedBefore' },
      warnings: [],
      route: { kind: 'paper', reason: 'notInsured' },
    },
  },
  'mda-acc-20230530T145220-io500-insurability-information-other.xml': {
    asked: { ssin: '16112106736' },
    expected: {
      patient: { ssin: '16112106736', familyName: 'BEN KHAYAT', firstName: 'SALIM', birthDate: '2016-11-21', gender: 'male', deceasedDate: '2016-12-01' },
      insurer: '500',
      periods: [],
      paymentByInsurer: false,
      generalSituation: { event: 'closedBefore', transferDate: '2016-12-01' },
      warnings: [],
      route: { kind: 'paper', reason: 'deceased' },
    },
  },
  'mda-acc-20230530T145223-io100-insurability-information-hospitalized.xml': {
    asked: { ssin: '53020927795' },
    expected: {
      patient: { ssin: '53020927795', familyName: 'VAN DER VEKEN', firstName: 'JOANNES ANGELINA', birthDate: '1953-02-09', gender: 'male' },
      insurer: '100',
      periods: [{ start: '2021-01-01', end: '2022-01-15', mutuality: '105', registrationNumber: '530209 277 95', ct1: '130', ct2: '130' }],
      paymentByInsurer: true,
      hospitalisation: { hospitalNihii: '72093962000', admissionDate: '2017-04-09', service: '450' },
      warnings: [],
      route: { kind: 'efact', reason: 'thirdPartyPayment' },
    },
  },
  'mda-acc-20230530T145224-io500-insurability-information-other.xml': {
    asked: { ssin: '58112438989' },
    expected: {
      patient: { ssin: '58112438989', familyName: 'PANTE', firstName: 'JEAN-CLAUDE', birthDate: '1958-11-24', gender: 'male' },
      insurer: '500',
      // This insurer writes the period with the time of the request, not at midnight: the last day is the day of NotOnOrAfter.
      periods: [{ start: '2021-01-01', end: '2022-01-16', mutuality: '509', registrationNumber: '0200679010071', ct1: '121', ct2: '121' }],
      paymentByInsurer: true,
      medicalHouse: { nihii11: '81150396111', type: 'Kine', start: '2017-01-01' },
      warnings: [],
      route: { kind: 'paper', reason: 'medicalHouse' },
    },
  },
  'mda-acc-20230530T145227-io600-insurability-invoicing-other.xml': {
    asked: { ssin: '70021546287' },
    expected: {
      patient: { ssin: '70021546287', familyName: 'DEUMAGA CHOUAPI', firstName: 'SYLVIE', birthDate: '1970-02-15', gender: 'female' },
      insurer: '600',
      periods: [{ start: '2021-01-01', end: '2022-01-15', mutuality: '602', registrationNumber: '602007742786', ct1: '101', ct2: '101' }],
      paymentByInsurer: true,
      medicalHouse: { nihii11: '81150396111', type: 'Kine', start: '2021-03-01' },
      warnings: [],
      route: { kind: 'paper', reason: 'medicalHouse' },
    },
  },
  'mda-acc-20230530T145233-io300-insurability-information-other.xml': { asked: { ssin: '58121520763' }, expected: collard },
  'mda-acc-20230530T145235-io300-insurability-information-other.xml': { asked: { registrationNumber: '0001995151258', mutuality: '319' }, expected: collard },
  'mda-acc-20230530T145241-io100-insurability-palliativeStatus-information-other.xml': { asked: { ssin: '90060421941' }, expected: blomme },
};

const memberData = captures('memberdata');
const faults = captures('faults');

function answerOf(name: string) {
  const capture = memberData.find((candidate) => candidate.name === name);
  if (capture === undefined) throw new Error(`no capture ${name}`);
  return readMemberDataAnswer(Buffer.from(capture.xml, 'utf8'));
}

describe('the real MemberData answers of the acceptance platform', () => {
  it('are all here: 13 answers and 7 faults', () => {
    expect([memberData.length, faults.length]).toEqual([13, 7]);
    const known = new Set([...Object.keys(insurabilityAnswers), 'mda-acc-20230530T145209-io400-chronicCondition-partial.xml', 'mda-acc-20230530T145237-io600-globalMedicalFile.xml', 'mda-acc-20230530T145239-io500-palliativeStatus.xml']);
    expect(memberData.map((capture) => capture.name).filter((name) => !known.has(name))).toEqual([]);
  });

  it('each skips the technical assertion’s opaque status (0.5–1.3 KB), reads its version, and nothing else is skipped', () => {
    for (const capture of memberData) {
      const answer = readMemberDataAnswer(Buffer.from(capture.xml, 'utf8'));
      expect(answer.skipped.map((skipped) => skipped.attribute), capture.name).toEqual(['urn:be:cin:nippin:technicalAssertion:status']);
      expect(answer.skipped[0]?.length, capture.name).toBeGreaterThan(500);
      const technical = answer.assertions.find((assertion) => assertion.type === 'urn:be:cin:nippin:technicalAssertion');
      expect(technical?.attributes.get('urn:be:cin:nippin:technicalAssertion:version')?.[0], capture.name).toMatch(/^(7\.3\.4|FBIOSM-734)$/);
    }
  });

  for (const [name, { asked: patient, expected }] of Object.entries(insurabilityAnswers)) {
    it(`reads the insurability of ${name}`, () => {
      const answer = answerOf(name);
      const insurability = readInsurability(answer, { patient, date: asked, consultedAt }, checkStatus(answer.status));
      expect(insurability).toEqual({ ...expected, date: asked, consultedAt: consultedAt.toISOString() });
    });
  }

  it('reads the DMG holder of a globalMedicalFile answer (a medical house, with no first name)', () => {
    const answer = answerOf('mda-acc-20230530T145237-io600-globalMedicalFile.xml');
    expect(checkStatus(answer.status)).toEqual([]);
    expect(readDmgHolder(answer, { ssin: '45112243029' })).toEqual({ nihii11: '81150396111', familyName: "WIJKGEZONDHEIDSCENTRUM 'T SPOOR" });
  });

  it('reads the palliative status, and its absence', () => {
    expect(readPalliativeStatus(answerOf('mda-acc-20230530T145239-io500-palliativeStatus.xml'), { ssin: '72102534304' })).toEqual({ startDate: '2020-01-01' });
    expect(readPalliativeStatus(answerOf('mda-acc-20230530T145241-io100-insurability-palliativeStatus-information-other.xml'), { ssin: '90060421941' })).toBeNull();
  });

  it('reads a PartialAnswer as warnings with the insurer’s detail codes', () => {
    const answer = answerOf('mda-acc-20230530T145209-io400-chronicCondition-partial.xml');
    expect(answer.issuer).toBe('urn:be:cin:io:400');
    expect(checkStatus(answer.status)).toEqual([{ code: 'BO_MISSING_FACET' }, { code: 'FACET_EXCEPTION', message: 'facet CHRONICCONDITION is not supported by FBIO' }]);
  });

  it('refuses an answer by registration number read as if asked by SSIN, and one about another member', () => {
    const byRegistration = answerOf('mda-acc-20230530T145235-io300-insurability-information-other.xml');
    const code = (patient: MemberSubject) => {
      try {
        readInsurability(byRegistration, { patient, date: asked, consultedAt }, []);
        return 'read';
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
    };
    expect(code({ ssin: '58121520763' })).toBe('MYCARENET_BAD_ANSWER: MemberData answer: an assertion is about another person');
    expect(code({ registrationNumber: '0001995151258', mutuality: '318' })).toBe('MYCARENET_BAD_ANSWER: MemberData answer: an assertion is about another person');
    expect(code({ registrationNumber: '0001995151258', mutuality: '319' })).toBe('read');
  });
});

describe('the real MemberData faults of the acceptance platform', () => {
  const expected: Record<string, [detailCode: string, errorCode: string]> = {
    'mda-acc-20230530T145208-requester-invalid-inss-format.xml': ['INVALID_INSS_FORMAT', 'MYCARENET_REFUSED'],
    'mda-acc-20230530T145210-requester-unknown-facet.xml': ['UNKNOWN_FACET', 'MYCARENET_REFUSED'],
    'mda-acc-20230530T145212-requester-unknown-facet.xml': ['UNKNOWN_FACET', 'MYCARENET_REFUSED'],
    'mda-acc-20230530T145213-requester-invalid-dimension-id.xml': ['INVALID_DIMENSION_ID', 'MYCARENET_REFUSED'],
    'mda-acc-20230530T145214-requester-unallowed-requesttype.xml': ['UNALLOWED_REQUESTTYPE', 'MYCARENET_REFUSED'],
    'mda-acc-20230530T145228-requester-unauthorized-facet.xml': ['UNAUTHORIZED_FACET', 'MYCARENET_ACCESS_DENIED'],
    'mda-acc-20230530T145231-requester-unauthorized-facet.xml': ['UNAUTHORIZED_FACET', 'MYCARENET_ACCESS_DENIED'],
  };

  for (const capture of faults) {
    it(`reads ${capture.name} as a typed refusal`, () => {
      const answer = readMemberDataAnswer(Buffer.from(capture.xml, 'utf8'));
      expect(answer.issuer).toBe('urn:be:cin:nippin:aa');
      expect([answer.status.code, answer.status.subCode]).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Requester', 'urn:be:cin:nippin:SAML:status:AttributeQueryError']);
      const [detailCode, errorCode] = expected[capture.name] ?? ['?', '?'];
      let thrown: { code?: string; details?: Record<string, unknown> } = {};
      try {
        checkStatus(answer.status);
      } catch (error) {
        thrown = error as typeof thrown;
      }
      expect(thrown.code).toBe(errorCode);
      expect(thrown.details?.['detailCode']).toBe(detailCode);
      expect(thrown.details?.['location']).toMatch(/^\*:AttributeQuery\//);
    });
  }
});
