import { describe, expect, it } from 'vitest';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { readSendTransactionResponse } from '../../native-host/src/mycarenet/eattest/send-response.js';
import { refusalCode } from '../../native-host/src/mycarenet/tarification/tariff-errors.js';
import { tariffRequest } from '../../native-host/src/mycarenet/tarification/tariff-request.js';
import { readTariffAnswer } from '../../native-host/src/mycarenet/tarification/tariff-response.js';
import { tariffAnswer } from '../../simulator/src/tarification/answer.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { readTariffRequest } from '../../simulator/src/tarification/request.js';
import { judge as judgeTariffRequest } from '../../simulator/src/tarification/rules.js';
import type { Caller } from '../../simulator/src/front.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? 'not an AppError';
  }
  return 'no error';
}

const provider = { nihii11: '19900104004', ssin: '78031412403', profession: 'doctor' as const, givenName: 'Anna', surname: 'Peeters' };

describe('the tariff request', () => {
  it('claims each code in its own item and remembers which item holds which code', () => {
    const request = tariffRequest({ provider, reference: 'R1', ssin: '85041213359', date: '2026-03-04', codes: ['101010', '102034'], now: new Date('2026-03-04T09:00:00Z') });
    expect([...request.codeByItem]).toEqual([
      [2, '101010'],
      [3, '102034'],
    ]);
    const xml = Buffer.from(request.xml).toString();
    expect(xml).toContain('>19900104004.R1<');
    expect(xml).toContain('<core:time>10:00:00</core:time>');
    expect(xml).toContain('>persphysician<');
    expect(codeOf(() => tariffRequest({ provider, reference: 'R1', ssin: '85041213359', date: '2026-03-04', codes: ['101010', '101010'], now: new Date() }))).toBe('INTERNAL');
    expect(codeOf(() => tariffRequest({ provider, reference: 'R1', ssin: '85041213359', date: '2026-03-04', codes: [], now: new Date() }))).toBe('INTERNAL');
  });
});

describe('the tariff request id', () => {
  it('is `<NIHII11>.<14 digits>` as every connector makes it; the simulator refuses another form (111)', () => {
    const caller = { ssin: provider.ssin, nihii11: provider.nihii11, profession: 'doctor' } as Caller;
    const now = new Date('2026-03-04T09:00:00Z');
    const codes = (reference: string) => {
      const request = readTariffRequest(Buffer.from(tariffRequest({ provider, reference, ssin: '85041213359', date: '2026-03-04', codes: ['101010'], now }).xml));
      return judgeTariffRequest(request, { ssin: '85041213359', referenceDate: '2026-03-04' }, caller, now).errors.map((error) => error.code);
    };
    expect(codes('26030410000000')).not.toContain('111');
    expect(codes('20260304090000123456')).toContain('111');
  });
});

describe('the tariff answer', () => {
  const genuine = (): string =>
    tariffAnswer(
      { id: '19900104004.R1', author: { nihii11: '19900104004' }, date: '2026-03-04', time: '10:00:00', claims: [] },
      { patient: scenarioByKey('inOrder'), lines: [{ code: '101010', fee: 3159, reimbursement: 2759, patientShare: 400 }], errors: [{ code: '171', url: '/x/item[3]/content/cd[1]', description: 'no' }] },
      new Date(),
    ).toString('utf8');

  it('reads amounts into cents and the acknowledge', () => {
    const answer = readTariffAnswer(Buffer.from(genuine()), ['101010', '102034']);
    expect(answer.lines).toEqual([{ code: '101010', fee: 3159, reimbursement: 2759, patientShare: 400 }]);
    expect(answer.acknowledge).toEqual({ isComplete: false, errors: [{ code: '171', scheme: 'CD-ERROR', description: 'no', url: '/x/item[3]/content/cd[1]' }] });
  });

  const hostile: [string, (xml: string) => string, string[]?][] = [
    ['a code that was not asked', (xml) => xml, ['102034']],
    ['another currency', (xml) => xml.replace('>EUR<', '>USD<')],
    ['three decimals', (xml) => xml.replace('>31.59<', '>31.591<')],
    ['a negative amount', (xml) => xml.replace('>31.59<', '>-31.59<')],
    ['a missing patient share', (xml) => xml.replace('>patientfee<', '>otherfee<')],
    ['a second tariff for the same code', (xml) => xml.replace('</k:folder>', `${/<k:transaction>[\s\S]*?<\/k:transaction>/.exec(xml)?.[0] ?? ''}</k:folder>`)],
    ['an acknowledge that is not a boolean', (xml) => xml.replace('<msc:iscomplete>false', '<msc:iscomplete>nope')],
    ['an error without a code', (xml) => xml.replace('>171<', '><')],
    ['another message', (xml) => xml.replaceAll('RetrieveTransactionResponse', 'SendTransactionResponse')],
  ];
  for (const [what, spoil, asked] of hostile) {
    it(`refuses ${what}`, () => {
      expect(codeOf(() => readTariffAnswer(Buffer.from(spoil(genuine())), asked ?? ['101010']))).toBe('MYCARENET_BAD_ANSWER');
    });
  }

  it('types refusals by their kmehr code', () => {
    expect(refusalCode('146')).toBe('DATE_NOT_ALLOWED');
    expect(refusalCode('166')).toBe('DATE_NOT_ALLOWED');
    for (const code of ['120', '121', '122']) expect(refusalCode(code)).toBe('PATIENT_UNKNOWN');
    expect(refusalCode('141')).toBe('MYCARENET_ACCESS_DENIED');
    for (const code of ['100', '111', '112', '130', '169', '170', '171', undefined]) expect(refusalCode(code)).toBe('MYCARENET_REFUSED');
  });
});

describe('the eAttest send answer', () => {
  const answer = (cga: string, acknowledge = '<c:iscomplete>true</c:iscomplete>') =>
    Buffer.from(`<p:SendTransactionResponse xmlns:p="http://www.ehealth.fgov.be/messageservices/protocol/v1" xmlns:c="http://www.ehealth.fgov.be/messageservices/core/v1" xmlns:k="http://www.ehealth.fgov.be/standards/kmehr/schema/v1">
      <c:response><c:id S="ID-KMEHR" SV="1.0">500.1</c:id></c:response>
      <c:acknowledge>${acknowledge}</c:acknowledge>
      <c:kmehrmessage><k:folder><k:transaction><k:cd S="CD-TRANSACTION-MYCARENET" SV="1.4">cga</k:cd>${cga}</k:transaction></k:folder></c:kmehrmessage>
    </p:SendTransactionResponse>`);
  const number = (value: string) => `<k:item><k:cd S="CD-ITEM-MYCARENET" SV="1.0">invoicingnumber</k:cd><k:content><k:text L="en">${value}</k:text></k:content></k:item>`;

  it('reads the acknowledgement number', () => {
    expect(readSendTransactionResponse(answer(number('500-1-260212-5960827-60')))).toMatchObject({ isComplete: true, acknowledgementNumber: '500-1-260212-5960827-60', errors: [] });
  });

  it('reads a refusal: no number, errors with code, description and url', () => {
    const read = readSendTransactionResponse(
      answer('', '<c:iscomplete>false</c:iscomplete><c:error><k:cd S="CD-ERROR" SV="1.0">169</k:cd><k:description L="fr">maison médicale</k:description><k:url>/SendTransactionRequest/kmehrmessage/folder/patient</k:url></c:error>'),
    );
    expect(read).toEqual({ isComplete: false, fees: [], responseId: '500.1', errors: [{ code: '169', scheme: 'CD-ERROR', description: 'maison médicale', url: '/SendTransactionRequest/kmehrmessage/folder/patient' }] });
  });

  it('refuses two numbers, a malformed number, and other messages', () => {
    expect(codeOf(() => readSendTransactionResponse(answer(number('500-1') + number('500-2'))))).toBe('MYCARENET_BAD_ANSWER');
    expect(codeOf(() => readSendTransactionResponse(answer(number('<evil>'.replace(/[<>]/g, '') + ' spaces here'))))).toBe('MYCARENET_BAD_ANSWER');
    expect(codeOf(() => readSendTransactionResponse(Buffer.from('<x/>')))).toBe('MYCARENET_BAD_ANSWER');
    expect(parseXml(answer('').toString()).documentElement.localName).toBe('SendTransactionResponse');
  });
});
