import type { ScenarioPatient } from '../scenarios.js';
import { appendResponseOpening, KMEHR_NS, kmehrWriters, MS_CORE_NS, MS_PROTOCOL_NS, requesterParty, type KmehrWriter } from '../kmehr-response.js';
import { newDocument, writeXml } from '../xml.js';
import type { Judgement } from './rules.js';
import type { KmehrTariffRequest } from './request.js';

/**
 * The kmehr RetrieveTransactionResponse of a tariff consultation: the acknowledge with its errors,
 * and, when some tariffs could be given, a folder with the patient and one transaction per code
 * (fee, reimbursement, patient's share in EUR).
 */

const euros = (cents: number): string => (cents / 100).toFixed(2);

export function tariffAnswer(request: KmehrTariffRequest, judgement: Judgement, now: Date): Buffer {
  const document = newDocument(MS_PROTOCOL_NS, 'msp:RetrieveTransactionResponse');
  const root = document.documentElement as Element;
  root.setAttribute('messageProtocoleSchemaVersion', '1.19');
  const writers = kmehrWriters(document);
  const { core, k } = writers;
  const insurer = judgement.patient?.membership?.insurer ?? '000';
  const date = now.toISOString().slice(0, 10);
  const time = now.toISOString().slice(11, 19);
  const io = () => k('hcparty', {}, k('id', { S: 'ID-INSURANCE', SV: '1.0' }, insurer === 'rcam' ? '999' : insurer), k('cd', { S: 'CD-HCPARTY', SV: '1.16' }, 'orginsurance'), k('name', {}, insurer === 'rcam' ? 'JSIS' : `IO ${insurer}`));
  const author = () => requesterParty(k, request.author);
  appendResponseOpening(writers, root, { insurer, insurerParty: io, request, date, time, errors: judgement.errors });
  if (judgement.lines.length > 0 && judgement.patient !== undefined) root.appendChild(core('kmehrmessage', ...kmehrMessage(k, judgement, judgement.patient, io, author, date, time)));
  for (const [prefix, ns] of [['msc', MS_CORE_NS], ['k', KMEHR_NS]] as const) root.setAttributeNS('http://www.w3.org/2000/xmlns/', `xmlns:${prefix}`, ns);
  return Buffer.from(writeXml(document), 'utf8');
}


function kmehrMessage(k: KmehrWriter, judgement: Judgement, patient: ScenarioPatient, io: () => Element, author: () => Element, date: string, time: string): Element[] {
  const header = k(
    'header',
    {},
    k('standard', {}, k('cd', { S: 'CD-STANDARD', SV: '1.19' }, '20160901')),
    k('id', { S: 'ID-KMEHR', SV: '1.0' }, '1'),
    k('date', {}, date),
    k('time', {}, time),
    k('sender', {}, io()),
    k('recipient', {}, author()),
  );
  const cost = (kind: string, cents: number, id: number) =>
    k('item', {}, k('id', { S: 'ID-KMEHR', SV: '1.0' }, String(id)), k('cd', { S: 'CD-ITEM-MYCARENET', SV: '1.0' }, kind), k('cost', {}, k('decimal', {}, euros(cents)), k('unit', {}, k('cd', { S: 'CD-CURRENCY', SV: '1.0' }, 'EUR'))));
  const transactions = judgement.lines.map((line, index) =>
    k(
      'transaction',
      {},
      k('id', { S: 'ID-KMEHR', SV: '1.0' }, String(index + 1)),
      k('cd', { S: 'CD-TRANSACTION-MYCARENET', SV: '1.4' }, 'tariff'),
      k('date', {}, date),
      k('time', {}, time),
      k('author', {}, io()),
      k('iscomplete', {}, 'true'),
      k('isvalidated', {}, 'true'),
      k('item', {}, k('id', { S: 'ID-KMEHR', SV: '1.0' }, '1'), k('cd', { S: 'CD-ITEM', SV: '1.11' }, 'claim'), k('content', {}, k('cd', { S: 'CD-NIHDI', SV: '1.0' }, line.code))),
      cost('fee', line.fee, 2),
      cost('reimbursement', line.reimbursement, 3),
      cost('patientfee', line.patientShare, 4),
    ),
  );
  const folder = k(
    'folder',
    {},
    k('id', { S: 'ID-KMEHR', SV: '1.0' }, '1'),
    k(
      'patient',
      {},
      k('id', { S: 'ID-PATIENT', SV: '1.0' }, patient.ssin),
      k('firstname', {}, patient.firstName),
      k('familyname', {}, patient.familyName),
      k('sex', {}, k('cd', { S: 'CD-SEX', SV: '1.1' }, patient.gender)),
    ),
    ...transactions,
  );
  return [header, folder];
}
