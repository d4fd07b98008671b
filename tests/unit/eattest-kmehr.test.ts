import { describe, expect, it } from 'vitest';
import { childElements, descendants, firstChild, textOf } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { MCN_NS } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { readAttestationAnswer } from '../../native-host/src/mycarenet/eattest/attestation-answer.js';
import { attestationKmehr, cancellationKmehr, centsToDecimal } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { refusalOf } from '../../native-host/src/mycarenet/eattest/refusal-meanings.js';
import { attestationAnswer } from '../../simulator/src/eattest/answer.js';
import { readKmehrSendRequest } from '../../simulator/src/eattest/kmehr-request.js';
import { judgeCancel, judgeSend } from '../../simulator/src/eattest/rules.js';
import { AttestationStore } from '../../simulator/src/eattest/store.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import type { Caller } from '../../simulator/src/front.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { AppError } from '../../src/shared/errors.js';
import { sampleAttestation } from '../support/attestation-fixture.js';

/**
 * The eAttest kmehr: what the host builds from an Attestation, how it reads the insurer's answer
 * (accepted, refused, or hostile), and how the simulator judges it. The simulator's reader and
 * answer builder are the other side's code, so the host's message is read by an implementation
 * that is not its own, and the host reads answers it did not write.
 */

const provider = { nihii11: '19910140004', ssin: '78031412448', profession: 'doctor' as const, givenName: 'Anna', surname: 'Peeters' };
const NOW = new Date('2026-02-12T09:15:30Z');
const TODAY = '2026-02-12';
const REFERENCE = '26021210153000';
const REQUEST_ID = `${provider.nihii11}.${REFERENCE}`;
const caller = { ssin: provider.ssin, nihii11: provider.nihii11, profession: 'doctor' } as Caller;

const attestation: Attestation = sampleAttestation(TODAY, { firstName: 'Julie', lastName: 'O’Brien & <Lambert>' });

function kmehrDocument(bytes: Uint8Array): Document {
  return parseXml(Buffer.from(bytes).toString('utf8'));
}

function itemsByKind(transaction: Element): Map<string, Element> {
  return new Map(
    childElements(transaction, MCN_NS.kmehr, 'item').map((item) => [textOf(firstChild(item, MCN_NS.kmehr, 'cd')) ?? '', item]),
  );
}

describe('the kmehr SendTransactionRequest of a send', () => {
  const document = kmehrDocument(attestationKmehr({ provider, reference: REFERENCE, now: NOW }, attestation));
  const transactions = descendants(document, MCN_NS.kmehr, 'transaction');

  it('has the request header of the provider at Brussels time, and the patient', () => {
    expect(textOf(descendants(document, MCN_NS.msCore, 'id')[0])).toBe(REQUEST_ID);
    expect(textOf(descendants(document, MCN_NS.msCore, 'date')[0])).toBe(TODAY);
    expect(textOf(descendants(document, MCN_NS.msCore, 'time')[0])).toBe('10:15:30');
    const patient = descendants(document, MCN_NS.kmehr, 'patient')[0];
    expect(textOf(patient === undefined ? undefined : firstChild(patient, MCN_NS.kmehr, 'familyname'))).toBe('O’Brien & <Lambert>');
  });

  it('has one cga (paid, supplement, collecting entity) and one cgd per act', () => {
    expect(transactions.map((transaction) => textOf(firstChild(transaction, MCN_NS.kmehr, 'cd')))).toEqual(['cga', 'cgd', 'cgd']);
    const [cga, first, second] = transactions as [Element, Element, Element];
    const cgaItems = itemsByKind(cga);
    expect(textOf(descendants(cgaItems.get('patientpaid') as Element, MCN_NS.kmehr, 'decimal')[0])).toBe('12.05');
    expect(textOf(descendants(cgaItems.get('supplement') as Element, MCN_NS.kmehr, 'decimal')[0])).toBe('0.07');
    expect(textOf(descendants(cgaItems.get('paymentreceivingparty') as Element, MCN_NS.kmehr, 'id').find((id) => id.getAttribute('S') === 'ID-CBE'))).toBe('0820563481');

    const firstItems = itemsByKind(first);
    expect([...firstItems.keys()]).toEqual(['claim', 'encounterdatetime', 'patientpaid', 'decisionreference', 'encounterlocation', 'requestor']);
    const claim = firstItems.get('claim') as Element;
    expect(descendants(claim, MCN_NS.kmehr, 'cd').map((cd) => `${cd.getAttribute('S') ?? ''}${cd.getAttribute('SL') ?? ''}=${textOf(cd) ?? ''}`)).toEqual(['CD-ITEM=claim', 'CD-NIHDI=101076', 'LOCALNIHDI-CLAIM-NORM=0']);
    expect(textOf(descendants(firstItems.get('requestor') as Element, MCN_NS.kmehr, 'id').find((id) => id.getAttribute('S') === 'ID-HCPARTY'))).toBe('19910239004');
    expect(textOf(descendants(firstItems.get('encounterdatetime') as Element, MCN_NS.kmehr, 'date')[0])).toBe(TODAY);
    const secondItems = itemsByKind(second);
    expect([...secondItems.keys()]).toEqual(['claim', 'encounterdatetime']);
    expect(textOf(descendants(secondItems.get('claim') as Element, MCN_NS.kmehr, 'decimal')[0])).toBe('2');
  });

  it('is read by the simulator as the attestation it is, and judged acceptable today only', () => {
    const request = readKmehrSendRequest(Buffer.from(attestationKmehr({ provider, reference: REFERENCE, now: NOW }, attestation)));
    const judge = (today: string) => judgeSend({ request, caller, inputReference: REFERENCE, routing: { ssin: attestation.patient.ssin }, today, store: new AttestationStore() });
    expect(judge(TODAY)).toMatchObject({ errors: [], insurer: '100', acts: [{ code: '101076', date: TODAY }, { code: '475075', date: TODAY }] });
    const tomorrow = judge('2026-02-13').errors.map((error) => error.code);
    expect(tomorrow).toContain('191');
    expect(tomorrow).toContain('238');
    expect(judge('2026-02-11').errors.map((error) => error.code)).toContain('146');
  });

  it('writes cents as decimals with two places and refuses what is not whole, non-negative cents', () => {
    expect([0, 7, 100, 1205, 123456].map(centsToDecimal)).toEqual(['0.00', '0.07', '1.00', '12.05', '1234.56']);
    expect(() => centsToDecimal(-1)).toThrow(AppError);
    expect(() => centsToDecimal(1.5)).toThrow(AppError);
  });
});

describe('the kmehr of a cancellation', () => {
  it('names the number and the reason in one cgacancellation, which the simulator checks against what it holds', () => {
    const bytes = Buffer.from(cancellationKmehr({ provider, reference: REFERENCE, now: NOW }, { patientSsin: '85041213359', acknowledgementNumber: '100-1-260212-0000001-42', reason: 'F' }));
    const request = readKmehrSendRequest(bytes);
    expect(request.transactions.map((transaction) => transaction.type)).toEqual(['cgacancellation']);
    const store = new AttestationStore();
    expect(judgeCancel(request, caller, TODAY, store).errors.map((error) => error.code)).toEqual(['141']);
    store.add({ acknowledgementNumber: '100-1-260212-0000001-42', insurer: '100', providerNihii11: provider.nihii11, inputReference: 'x', patientSsin: '85041213359', acts: [], acceptedAt: TODAY, attempts: [1], kmehrDigest: '' });
    expect(judgeCancel(request, caller, TODAY, store)).toMatchObject({ errors: [], acknowledgementNumber: '100-1-260212-0000001-42', reason: 'F' });
    expect(judgeCancel(request, { ...caller, nihii11: '19910239004' }, TODAY, store).errors.map((error) => error.code)).toEqual(['245']);
  });
});

describe('reading the insurer’s answer', () => {
  const request = readKmehrSendRequest(Buffer.from(attestationKmehr({ provider, reference: REFERENCE, now: NOW }, attestation)));
  const patient = scenarioByKey('inOrder');
  const accepted = attestationAnswer({ request, insurer: '500', errors: [], accepted: { acknowledgementNumber: '500-1-260212-5960827-60', patient, acts: [{ code: '101076', date: TODAY }] }, now: NOW }).toString('utf8');
  const refused = attestationAnswer({
    request,
    insurer: '500',
    errors: [
      { code: '169', url: '/SendTransactionRequest/kmehrmessage/folder/transaction[2]/item[1]/content[1]/cd', description: 'platform text' },
      { code: '999', url: '/SendTransactionRequest/request/id', description: 'a code we do not know' },
    ],
    now: NOW,
  }).toString('utf8');
  const read = (xml: string) => readAttestationAnswer(Buffer.from(xml), { requestId: REQUEST_ID, kind: 'send' });
  const rejection = (xml: string): string => {
    try {
      read(xml);
    } catch (error) {
      if (error instanceof AppError && error.code === 'MYCARENET_BAD_ANSWER') return error.message;
      throw error;
    }
    throw new Error('the answer was accepted');
  };

  it('takes the acknowledgement number from the cga and the insurer from the author', () => {
    expect(read(accepted)).toEqual({ accepted: true, acknowledgementNumber: '500-1-260212-5960827-60', insurer: '500' });
  });

  it('types refusals with their code, the XPath they point at and a meaning (ours when we know the code)', () => {
    expect(read(refused)).toEqual({
      accepted: false,
      refusals: [
        { code: '169', location: '/SendTransactionRequest/kmehrmessage/folder/transaction[2]/item[1]/content[1]/cd', description: 'the patient is registered with a medical house: give a paper certificate' },
        { code: '999', location: '/SendTransactionRequest/request/id', description: 'a code we do not know' },
      ],
    });
    expect(refusalOf({ code: '240', scheme: 'CD-ERROR' })).toEqual({ code: '240', description: 'this acknowledgement number is already cancelled' });
  });

  it('refuses hostile or inconsistent answers', () => {
    const cga = /<k:transaction>(?:(?!<\/k:transaction>).)*invoicingnumber(?:(?!<\/k:transaction>).)*<\/k:transaction>/s.exec(accepted)?.[0] ?? '';
    expect(cga).not.toBe('');
    const cases: [string, string, RegExp][] = [
      ['another request', accepted.replace(`<msc:id>${REQUEST_ID}</msc:id>`, '<msc:id>19910140004.1</msc:id>'), /another request/],
      ['two numbers', accepted.replace(cga, `${cga}${cga}`), /more than one acknowledgement number/],
      ['a malformed number', accepted.replace('500-1-260212-5960827-60', '500 1 &lt;script&gt;'), /unexpected form/],
      ['accepted without a number', accepted.replace(cga, ''), /without an acknowledgement number/],
      ['refused yet numbered', accepted.replace('<msc:iscomplete>true</msc:iscomplete>', '<msc:iscomplete>false</msc:iscomplete><msc:error><k:cd S="CD-ERROR">187</k:cd></msc:error>'), /refused yet numbered/],
      ['incomplete without errors', refused.replace(/<msc:error>.*?<\/msc:error>/gs, ''), /incomplete without any error/],
      ['a document type', `<!DOCTYPE x [<!ENTITY e "boom">]>${accepted.replace(/^<\?xml[^>]*>/, '')}`, /document type/],
      ['another root', accepted.replace(/SendTransactionResponse/g, 'RetrieveTransactionResponse'), /not a SendTransactionResponse/],
      ['not XML', 'garbage', /malformed|unreadable/],
      ['too large', `${accepted}${' '.repeat(2 * 1024 * 1024)}`, /larger than/],
    ];
    for (const [name, xml, expected] of cases) expect(rejection(xml), name).toMatch(expected);
  });

  it('reads a cancellation’s answer without a number', () => {
    const cancelRequest = readKmehrSendRequest(Buffer.from(cancellationKmehr({ provider, reference: REFERENCE, now: NOW }, { patientSsin: '85041213359', acknowledgementNumber: '500-1-260212-5960827-60', reason: 'C' })));
    const answer = attestationAnswer({ request: cancelRequest, insurer: '500', errors: [], now: NOW });
    expect(readAttestationAnswer(answer, { requestId: REQUEST_ID, kind: 'cancel' })).toEqual({ accepted: true, insurer: '500' });
    expect(() => readAttestationAnswer(answer, { requestId: REQUEST_ID, kind: 'send' })).toThrow(/without an acknowledgement number/);
  });
});
