import type { Caller } from '../front.js';
import { inOrderOn, scenarioPatient, type ScenarioPatient } from '../scenarios.js';
import { tariffOf } from '../tarification/tariff-table.js';
import { KMEHR_NS } from '../kmehr-response.js';
import { itemContent, transactionPath, type KmehrSendRequest, type KmehrTransaction } from './kmehr-request.js';
import type { AttestationStore, AttestedAct } from './store.js';
import { childrenNS, text } from '../xml.js';

/**
 * How the insurers judge an eAttest v3 send (PROTOCOL §8.5): structure, dates (today only: 146,
 * 191, 238), the patient (120 unknown or not insured, 196 third-party payment, 169 medical house)
 * and duplicates (187). Each error names the request element with an XPath, as the platform does.
 */

export interface KmehrRefusal {
  code: string;
  url: string;
  description: string;
}

export interface SendJudgement {
  errors: KmehrRefusal[];
  patient?: ScenarioPatient;
  insurer: string;
  acts: AttestedAct[];
}

export interface SendContext {
  request: KmehrSendRequest;
  caller: Caller;
  inputReference: string;
  routing: { ssin: string; mutuality?: string };
  /** Today in Brussels, as the insurer's clock says. */
  today: string;
  store: AttestationStore;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '100': 'Mandatory element missing',
  '111': 'Format error',
  '120': 'Patient unknown at the insurer or not affiliated on the date of service',
  '140': 'The author is not entitled to this kind of request',
  '146': 'Date later than today',
  '155': 'Value inconsistent with the web-service level',
  '156': 'Value inconsistent with another part of the message',
  '169': 'Patient affiliated to a medical house',
  '187': 'Service already invoiced or attested',
  '191': 'Date earlier than today',
  '196': 'Third-party payment is mandatory for this patient',
  '238': 'The attestation contains no service performed today',
};

function refusal(code: string, url: string): KmehrRefusal {
  return { code, url, description: DESCRIPTIONS[code] ?? 'Refused' };
}

function dateError(date: string, today: string, url: string): KmehrRefusal | undefined {
  if (date > today) return refusal('146', url);
  if (date < today) return refusal('191', url);
  return undefined;
}

interface Claim {
  url: string;
  code: string;
  date: string;
  dateUrl: string;
}

/** The act of a cgd: its claim (code, norm, quantity) and date of service; what is missing is an error. */
function claimOf(transaction: KmehrTransaction, errors: KmehrRefusal[]): Claim | undefined {
  const claim = transaction.items.find((item) => item.kind === 'CD-ITEM|claim');
  const encounter = transaction.items.find((item) => item.kind === 'CD-ITEM|encounterdatetime');
  const code = claim === undefined ? undefined : itemContent(claim, 'cd', 'CD-NIHDI');
  const norm = claim === undefined ? undefined : itemContent(claim, 'cd', 'NIHDI-CLAIM-NORM');
  const quantity = claim === undefined ? undefined : childrenNS(claim.element, KMEHR_NS, 'quantity')[0];
  if (claim === undefined || code === undefined || norm === undefined || quantity === undefined) {
    errors.push(refusal('100', transactionPath(transaction, claim === undefined ? '' : `/item[${claim.position}]`)));
    return undefined;
  }
  const codeUrl = transactionPath(transaction, `/item[${claim.position}]/content[1]/cd`);
  if (!/^\d{6}$/.test(text(code))) {
    errors.push(refusal('111', codeUrl));
    return undefined;
  }
  const date = encounter === undefined ? undefined : itemContent(encounter, 'date');
  if (encounter === undefined || date === undefined) {
    errors.push(refusal('100', transactionPath(transaction)));
    return undefined;
  }
  return { url: codeUrl, code: text(code), date: text(date), dateUrl: transactionPath(transaction, `/item[${encounter.position}]/content[1]/date`) };
}

const AUTHOR_QUALITY: Readonly<Record<Caller['profession'], string>> = {
  doctor: 'persphysician',
  dentist: 'persdentist',
  physiotherapist: 'persphysiotherapist',
  nurse: 'persnurse',
  midwife: 'persmidwife',
  speechTherapist: 'perslogopedist',
};

export function judgeSend(context: SendContext): SendJudgement {
  const { request, caller, today } = context;
  const errors: KmehrRefusal[] = [];
  // The kmehr request id is `<NIHII11>.<InputReference>` of the same request.
  if (request.id !== `${caller.nihii11}.${context.inputReference}`) errors.push(refusal('155', '/SendTransactionRequest/request/id'));
  if (request.author.nihii11 !== caller.nihii11) errors.push(refusal('155', '/SendTransactionRequest/request/author/hcparty'));
  // The author attests as what the STS certified them to be (the simulator's own reading of cd-1_34's CD-HCPARTY).
  else if (request.author.cd !== AUTHOR_QUALITY[caller.profession]) errors.push(refusal('140', '/SendTransactionRequest/request/author/hcparty/id'));
  const requestDate = dateError(request.date, today, '/SendTransactionRequest/request/date');
  if (requestDate !== undefined) errors.push(requestDate);
  if (request.headerDate !== request.date || request.sender.nihii11 !== request.author.nihii11) errors.push(refusal('156', '/SendTransactionRequest/kmehrmessage/header'));
  if (!request.recipientIsMyCareNet) errors.push(refusal('100', '/SendTransactionRequest/kmehrmessage/header/recipient'));
  if (request.patientSsin !== context.routing.ssin) errors.push(refusal('155', '/SendTransactionRequest/kmehrmessage/folder/patient/id'));

  const [cga, ...details] = request.transactions;
  if (cga?.type !== 'cga' || details.length === 0 || details.some((transaction) => transaction.type !== 'cgd')) {
    errors.push(refusal('100', '/SendTransactionRequest/kmehrmessage/folder/transaction'));
    return { errors, insurer: '000', acts: [] };
  }
  if (!cga.items.some((item) => item.kind === 'CD-ITEM-MYCARENET|patientpaid') || !cga.items.some((item) => item.kind === 'CD-ITEM-MYCARENET|paymentreceivingparty')) {
    errors.push(refusal('100', transactionPath(cga)));
  }
  const cgaDate = dateError(cga.date, today, transactionPath(cga, '/date'));
  if (cgaDate !== undefined) errors.push(cgaDate);

  const claims: Claim[] = [];
  for (const transaction of details) {
    const cgdDate = dateError(transaction.date, today, transactionPath(transaction, '/date'));
    if (cgdDate !== undefined) errors.push(cgdDate);
    const claim = claimOf(transaction, errors);
    if (claim === undefined) continue;
    const serviceDate = dateError(claim.date, today, claim.dateUrl);
    if (serviceDate !== undefined) errors.push(serviceDate);
    claims.push(claim);
  }
  if (claims.length > 0 && !claims.some((claim) => claim.date === today)) errors.push(refusal('238', transactionPath(cga, '/date')));

  // The patient as the insurer the request was routed to knows them: JSIS only through "rcam".
  const patientUrl = '/SendTransactionRequest/kmehrmessage/folder/patient/id';
  const patient = scenarioPatient(request.patientSsin);
  const routedToJsis = context.routing.mutuality === 'rcam';
  const insurer = patient?.membership?.insurer ?? '000';
  if (patient === undefined || !inOrderOn(patient, today) || (insurer === 'rcam') !== routedToJsis) {
    errors.push(refusal('120', patientUrl));
    return { errors, insurer, acts: claims.map(({ code, date }) => ({ code, date })) };
  }
  if (patient.paymentByInsurer === true) errors.push(refusal('196', patientUrl));
  for (const claim of claims) {
    if (patient.medicalHouse !== undefined && (tariffOf(claim.code)?.coveredByMedicalHouse ?? true)) errors.push(refusal('169', claim.url));
    const known = context.store.alreadyAttested(patient.ssin, { code: claim.code, date: claim.date });
    if (known !== undefined && !(known.providerNihii11 === caller.nihii11 && known.inputReference === context.inputReference)) errors.push(refusal('187', claim.url));
  }
  return { errors, patient, insurer, acts: claims.map(({ code, date }) => ({ code, date })) };
}

export interface CancelJudgement {
  errors: KmehrRefusal[];
  acknowledgementNumber: string;
  reason: string;
}

const CANCEL_REASONS = new Set(['A', 'B', 'C', 'D', 'E', 'F', 'G']);

/** A cancellation (PROTOCOL §8.4): 141 unknown number, 244 other patient, 245 other author, 240 already cancelled. */
export function judgeCancel(request: KmehrSendRequest, caller: Caller, today: string, store: AttestationStore): CancelJudgement {
  const errors: KmehrRefusal[] = [];
  const [transaction, ...others] = request.transactions;
  if (transaction?.type !== 'cgacancellation' || others.length > 0) {
    return { errors: [refusal('100', '/SendTransactionRequest/kmehrmessage/folder/transaction')], acknowledgementNumber: '', reason: '' };
  }
  const item = transaction.items.find((candidate) => candidate.kind === 'CD-ITEM-MYCARENET|invoicingnumber');
  const numberElement = item === undefined ? undefined : itemContent(item, 'text');
  const reasonElement = item === undefined ? undefined : itemContent(item, 'cd', 'NIHDI-CANCELLATION-REASON');
  const numberUrl = transactionPath(transaction, `/item[${item?.position ?? 1}]/content[1]/text`);
  const number = text(numberElement);
  const reason = text(reasonElement);
  if (numberElement === undefined || number === '') return { errors: [refusal('100', numberUrl)], acknowledgementNumber: '', reason };
  if (!CANCEL_REASONS.has(reason)) errors.push({ code: '130', url: transactionPath(transaction, `/item[${item?.position ?? 1}]/content[2]/cd`), description: 'Value not allowed' });
  const requestDate = dateError(request.date, today, '/SendTransactionRequest/request/date');
  if (requestDate !== undefined) errors.push(requestDate);
  const known = store.byNumber(number);
  if (known === undefined) errors.push({ code: '141', url: numberUrl, description: 'Acknowledgement number unknown at the insurer' });
  else if (known.patientSsin !== request.patientSsin) errors.push({ code: '244', url: numberUrl, description: 'Acknowledgement number inconsistent with the patient SSIN' });
  else if (known.providerNihii11 !== caller.nihii11) errors.push({ code: '245', url: numberUrl, description: 'Acknowledgement number inconsistent with the author NIHII' });
  else if (known.cancelled !== undefined) errors.push({ code: '240', url: numberUrl, description: 'Acknowledgement number already cancelled' });
  return { errors, acknowledgementNumber: number, reason };
}
