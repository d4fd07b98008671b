import type { ScenarioPatient } from '../scenarios.js';
import { tariffOf } from '../tarification/tariff-table.js';
import { appendResponseOpening, KMEHR_NS, kmehrWriters, MS_CORE_NS, MS_PROTOCOL_NS, requesterParty } from '../kmehr-response.js';
import { newDocument, writeXml } from '../xml.js';
import type { KmehrSendRequest } from './kmehr-request.js';
import type { KmehrRefusal } from './rules.js';
import type { AttestedAct } from './store.js';

/**
 * The insurer's kmehr SendTransactionResponse (PROTOCOL §8.3): the echo of the request, the
 * acknowledge with its errors, and for an accepted send a kmehrmessage whose cga carries the
 * acknowledgement number ("invoicingnumber") and whose cgd give the official fee per act.
 */

export interface AnswerContent {
  request: KmehrSendRequest;
  insurer: string;
  errors: readonly KmehrRefusal[];
  /** Present for an accepted send. */
  accepted?: { acknowledgementNumber: string; patient: ScenarioPatient; acts: readonly AttestedAct[] };
  now: Date;
}

const brussels = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

export function attestationAnswer(content: AnswerContent): Buffer {
  const { request, insurer } = content;
  const [date = '', time = ''] = brussels.format(content.now).split(' ');
  const document = newDocument(MS_PROTOCOL_NS, 'msp:SendTransactionResponse');
  const root = document.documentElement as Element;
  root.setAttribute('messageProtocoleSchemaVersion', '1.34');
  const writers = kmehrWriters(document);
  const { core, k } = writers;
  const io = () => k('hcparty', {}, k('id', { S: 'ID-INSURANCE', SV: '1.0' }, insurer), k('cd', { S: 'CD-HCPARTY', SV: '1.16' }, 'orginsurance'));
  const provider = () => requesterParty(k, request.author);
  const id = (value: string) => k('id', { S: 'ID-KMEHR', SV: '1.0' }, value);
  const itemCd = (scheme: string, value: string) => k('cd', { S: scheme, SV: '1.4' }, value);
  appendResponseOpening(writers, root, { insurer, insurerParty: io, request, date, time, errors: content.errors });

  const accepted = content.accepted;
  if (accepted !== undefined) {
    const transaction = (number: number, type: string, ...items: Element[]) =>
      k('transaction', {}, id(String(number)), k('cd', { S: 'CD-TRANSACTION-MYCARENET', SV: '1.4' }, type), k('date', {}, date), k('time', {}, time), k('author', {}, io()), k('iscomplete', {}, 'true'), k('isvalidated', {}, 'true'), ...items);
    const item = (number: number, ...children: Element[]) => k('item', {}, id(String(number)), ...children);
    const fee = (code: string) => {
      const cents = tariffOf(code)?.fee ?? 2500;
      return k('cost', {}, k('decimal', {}, (cents / 100).toFixed(2)), k('unit', {}, k('cd', { S: 'CD-CURRENCY', SV: '1.0' }, 'EUR')));
    };
    root.appendChild(
      core(
        'kmehrmessage',
        k('header', {}, k('standard', {}, k('cd', { S: 'CD-STANDARD', SV: '1.35' }, '20210120')), id('1'), k('date', {}, date), k('time', {}, time), k('sender', {}, io()), k('recipient', {}, provider())),
        k(
          'folder',
          {},
          id('1'),
          k('patient', {}, k('id', { S: 'ID-PATIENT', SV: '1.0' }, accepted.patient.ssin), k('firstname', {}, accepted.patient.firstName), k('familyname', {}, accepted.patient.familyName), k('sex', {}, k('cd', { S: 'CD-SEX', SV: '1.1' }, accepted.patient.gender))),
          transaction(1, 'cga', item(1, itemCd('CD-ITEM-MYCARENET', 'invoicingnumber'), k('content', {}, k('text', { L: 'en' }, accepted.acknowledgementNumber)))),
          ...accepted.acts.map((act, index) =>
            transaction(
              index + 2,
              'cgd',
              item(1, itemCd('CD-ITEM', 'claim'), k('content', {}, k('cd', { S: 'CD-NIHDI', SV: '1.0' }, act.code))),
              item(2, itemCd('CD-ITEM', 'encounterdatetime'), k('content', {}, k('date', {}, act.date))),
              item(3, itemCd('CD-ITEM-MYCARENET', 'fee'), fee(act.code)),
            ),
          ),
        ),
      ),
    );
  }
  for (const [prefix, ns] of [['msc', MS_CORE_NS], ['k', KMEHR_NS]] as const) root.setAttributeNS('http://www.w3.org/2000/xmlns/', `xmlns:${prefix}`, ns);
  return Buffer.from(writeXml(document), 'utf8');
}
