import type { Caller } from '../front.js';
import { inOrderOn, scenarioPatient, type ScenarioPatient } from '../scenarios.js';
import { tariffOf } from '../tarification/tariff-table.js';
import { KMEHR_NS } from '../kmehr-response.js';
import { itemContent, transactionPath, type KmehrSendRequest, type KmehrTransaction } from './kmehr-request.js';
import type { AttestationStore, AttestedAct } from './store.js';
import { NO_INSURER_REQUIRES_IDENTITY_READING, requirementsOf } from './act-requirements.js';
import { judgeAttestingAuthor, judgeCancelAuthor } from './attesting-author.js';
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
  /** The supervisor who attests for the caller, a physician in training. */
  supervisorNihii11?: string;
  /** The physician on duty whose care a guard post attests. */
  performerNihii11?: string;
}

export interface SendContext {
  request: KmehrSendRequest;
  caller: Caller;
  inputReference: string;
  routing: { ssin: string; mutuality?: string };
  /** Today in Brussels, as the insurer's clock says. */
  today: string;
  store: AttestationStore;
  /** Insurers that refuse an act without the reading of the identity document (222); none unless told. */
  identityReadingRequiredBy?: ReadonlySet<string>;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '100': 'Mandatory element missing',
  '111': 'Format error',
  '120': 'Patient unknown at the insurer or not affiliated on the date of service',
  '140': 'The author is not entitled to this kind of request',
  '146': 'Date later than today',
  '155': 'Value inconsistent with the web-service level',
  '156': 'Value inconsistent with another part of the message',
  '167': 'The provider named as DMG holder is not the patient’s DMG holder known at the insurer',
  '169': 'Patient affiliated to a medical house',
  '187': 'Service already invoiced or attested',
  '191': 'Date earlier than today',
  '194': 'The provider named is not a physician in training',
  '196': 'Third-party payment is mandatory for this patient',
  '130': 'Value not allowed',
  '216': 'Serial number of the identity document given for a medium that has none',
  '217': 'The prescriber is mandatory for this nomenclature code',
  '218': 'The prescription date is missing while a prescriber is given',
  '222': 'The reading data of the identity document are missing',
  '223': 'The reading date of the identity document is missing',
  '224': 'The reading time of the identity document is missing',
  '225': 'The input type of the identity document is missing',
  '226': 'The reason for manual input is missing while the input type is 4',
  '227': 'The medium type of the identity document is missing',
  '228': 'The reason for using a sticker is missing while the medium type is 7',
  '229': 'The serial number of the identity document is missing',
  '233': 'A prescriber NIHII is given while the requestor norm is 3 (self-prescription)',
  '234': 'A prescription date is given while the requestor norm is 3 (self-prescription)',
  '237': 'The treated limb is mandatory for this nomenclature code',
  '238': 'The attestation contains no service performed today',
  '243': 'The service code is missing while the place of service is a hospital',
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
  transaction?: KmehrTransaction;
  url: string;
  code: string;
  date: string;
  dateUrl: string;
}

/** The act as the insurer keeps it: code, date and, when the request said, what the patient paid. */
function attestedAct(claim: Claim): AttestedAct {
  const paid = claim.transaction === undefined ? undefined : itemOf(claim.transaction, 'CD-ITEM-MYCARENET|patientpaid');
  const cents = paid === undefined ? Number.NaN : centsOf(paid);
  return { code: claim.code, date: claim.date, ...(Number.isFinite(cents) ? { amountPaidCents: cents } : {}) };
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
  guardPost: 'guardpost',
};

const itemOf = (transaction: KmehrTransaction, kind: string) => transaction.items.find((item) => item.kind === kind);

/** An item's cost in cents (NaN when it is not a decimal, which no sum then matches). */
function centsOf(item: { element: Element }): number {
  const decimal = text(childrenNS(childrenNS(item.element, KMEHR_NS, 'cost')[0] ?? item.element, KMEHR_NS, 'decimal')[0]);
  return /^\d+(?:\.\d{1,2})?$/.test(decimal) ? Math.round(Number(decimal) * 100) : Number.NaN;
}

/** The DMG holder an act names (kmehr `gmdmanager`, catalogue uids 92–94), with the XPath of its NIHII. */
function dmgHolderOf(transaction: KmehrTransaction): { nihii: string; url: string } | undefined {
  const item = itemOf(transaction, 'CD-ITEM|gmdmanager');
  if (item === undefined) return undefined;
  const hcparty = itemContent(item, 'hcparty');
  const id = hcparty === undefined ? undefined : childrenNS(hcparty, KMEHR_NS, 'id').find((candidate) => candidate.getAttribute('S') === 'ID-HCPARTY');
  return { nihii: text(id), url: transactionPath(transaction, `/item[${item.position}]/content/hcparty/id`) };
}

/**
 * The items an act needs beside its claim (PROTOCOL §8.2, catalogue uids 72–144): the tooth and the
 * treated limb its code asks for, the prescriber with date and norm, a place typed as an
 * institution with a hospital's service code, and a complete reading of the identity document.
 */
function actItemErrors(transaction: KmehrTransaction, claim: Claim, today: string, errors: KmehrRefusal[]): void {
  const required = requirementsOf(claim.code);
  const claimItem = itemOf(transaction, 'CD-ITEM|claim');
  if (claimItem === undefined) return;
  const claimUrl = transactionPath(transaction, `/item[${claimItem.position}]`);
  const tooth = itemContent(claimItem, 'cd', 'CD-ISO-3950');
  if (required.tooth === true && tooth === undefined) errors.push(refusal('100', claimUrl));
  if (tooth !== undefined && !/^(?:[1-4][1-8]|[5-8][1-5])$/.test(text(tooth))) errors.push(refusal('130', `${claimUrl}/content/cd[CD-ISO-3950]`));
  const limb = itemContent(claimItem, 'cd', 'NIHDI-TREATED-LIMB');
  if (required.limb === true && limb === undefined) errors.push(refusal('237', claimUrl));
  if (limb !== undefined && !['1', '2'].includes(text(limb))) errors.push(refusal('130', `${claimUrl}/content/cd[NIHDI-TREATED-LIMB]`));

  const requestor = itemOf(transaction, 'CD-ITEM|requestor');
  if (requestor === undefined) {
    if (required.prescriber === true) errors.push(refusal('217', transactionPath(transaction)));
  } else {
    const url = transactionPath(transaction, `/item[${requestor.position}]`);
    const norm = itemContent(requestor, 'cd', 'NIHDI-REQUESTOR-NORM');
    const hcparty = itemContent(requestor, 'hcparty');
    const nihii = hcparty === undefined ? undefined : childrenNS(hcparty, KMEHR_NS, 'id').find((id) => id.getAttribute('S') === 'ID-HCPARTY');
    const date = itemContent(requestor, 'date');
    if (norm === undefined) errors.push(refusal('100', url));
    if (norm !== undefined && text(norm) === '3') {
      if (nihii !== undefined) errors.push(refusal('233', `${url}/content/hcparty/id`));
      if (date !== undefined) errors.push(refusal('234', `${url}/content/date`));
    } else {
      if (nihii === undefined) errors.push(refusal('100', url));
      else if (!/^\d{11}$/.test(text(nihii))) errors.push(refusal('111', `${url}/content/hcparty/id`));
      if (date === undefined) errors.push(refusal('218', url));
      else if (text(date) > today) errors.push(refusal('146', `${url}/content/date`));
    }
  }

  const location = itemOf(transaction, 'CD-ITEM|encounterlocation');
  if (location !== undefined) {
    const url = transactionPath(transaction, `/item[${location.position}]`);
    const hcparty = itemContent(location, 'hcparty');
    const kind = hcparty === undefined ? '' : text(childrenNS(hcparty, KMEHR_NS, 'cd')[0]);
    const id = hcparty === undefined ? undefined : childrenNS(hcparty, KMEHR_NS, 'id').find((candidate) => candidate.getAttribute('S') === 'ID-HCPARTY');
    if (id === undefined || !/^\d{8}(?:\d{3})?$/.test(text(id))) errors.push(refusal('111', `${url}/content/hcparty/id`));
    // A place is an institution: a person's kind (persphysician…) is a wrong type (catalogue uid 89).
    if (kind === '' || kind.startsWith('pers')) errors.push(refusal('111', `${url}/content/hcparty/cd[CD-HCPARTY]`));
    if (kind === 'orghospital' && itemContent(location, 'cd', 'NIHDI-SERVICE-CD') === undefined) errors.push(refusal('243', `${url}/content/cd[NIHDI-SERVICE-CD]`));
  }

  const holder = dmgHolderOf(transaction);
  if (holder !== undefined && !/^\d{11}$/.test(holder.nihii)) errors.push(refusal('111', holder.url));

  const reading = itemOf(transaction, 'CD-ITEM-MYCARENET|documentidentity');
  if (reading !== undefined) {
    const url = transactionPath(transaction, `/item[${reading.position}]`);
    const date = itemContent(reading, 'date');
    const input = itemContent(reading, 'cd', 'NIHDI-ID-DOC-INPUT-TYPE');
    const media = itemContent(reading, 'cd', 'NIHDI-ID-DOC-MEDIA-TYPE');
    const serial = itemContent(reading, 'text');
    if (date === undefined) errors.push(refusal('223', url));
    else if (text(date) !== claim.date) errors.push(refusal('156', `${url}/content/date`));
    if (itemContent(reading, 'time') === undefined) errors.push(refusal('224', url));
    if (input === undefined) errors.push(refusal('225', url));
    else if (text(input) === '4' && itemContent(reading, 'cd', 'NIHDI-ID-DOC-MANUAL-INPUT-JUSTIFICATION') === undefined) errors.push(refusal('226', url));
    if (media === undefined) errors.push(refusal('227', url));
    else {
      if (text(media) === '7' && itemContent(reading, 'cd', 'NIHDI-ID-DOC-VIGNETTE-USE-JUSTIFICATION') === undefined) errors.push(refusal('228', url));
      const hasSerial = ['1', '2', '4', '5'].includes(text(media));
      if (hasSerial && serial === undefined) errors.push(refusal('229', url));
      if (!hasSerial && serial !== undefined) errors.push(refusal('216', `${url}/content/text`));
    }
  }
}

export function judgeSend(context: SendContext): SendJudgement {
  const { request, caller, today } = context;
  const errors: KmehrRefusal[] = [];
  // The kmehr request id is `<NIHII11>.<InputReference>` of the same request, a 14-digit time stamp as every connector makes it.
  if (!/^\d{11}\.\d{14}$/.test(request.id)) errors.push(refusal('111', '/SendTransactionRequest/request/id'));
  else if (request.id !== `${caller.nihii11}.${context.inputReference}`) errors.push(refusal('155', '/SendTransactionRequest/request/id'));
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
  // The cga's patientpaid and supplement are the sums of the acts' (catalogue uids 54, 56: value not allowed).
  for (const kind of ['patientpaid', 'supplement']) {
    const total = itemOf(cga, `CD-ITEM-MYCARENET|${kind}`);
    const perAct = details.map((transaction) => itemOf(transaction, `CD-ITEM-MYCARENET|${kind}`));
    const sum = perAct.reduce((cents, item) => cents + (item === undefined ? 0 : centsOf(item)), 0);
    const everyActTells = kind === 'supplement' ? perAct.some((item) => item !== undefined) : perAct.every((item) => item !== undefined);
    if (everyActTells && (total === undefined ? 0 : centsOf(total)) !== sum) errors.push(refusal('130', transactionPath(cga, `/item[${total?.position ?? 1}]/cost/decimal`)));
  }
  const cgaDate = dateError(cga.date, today, transactionPath(cga, '/date'));
  if (cgaDate !== undefined) errors.push(cgaDate);
  const author = judgeAttestingAuthor(caller, cga, details);
  errors.push(...author.errors.map(({ code, url }) => refusal(code, url)));
  const supervised = {
    ...(author.supervisorNihii11 !== undefined ? { supervisorNihii11: author.supervisorNihii11 } : {}),
    ...(author.performerNihii11 !== undefined ? { performerNihii11: author.performerNihii11 } : {}),
  };

  const claims: Claim[] = [];
  for (const transaction of details) {
    const cgdDate = dateError(transaction.date, today, transactionPath(transaction, '/date'));
    if (cgdDate !== undefined) errors.push(cgdDate);
    const claim = claimOf(transaction, errors);
    if (claim === undefined) continue;
    const serviceDate = dateError(claim.date, today, claim.dateUrl);
    if (serviceDate !== undefined) errors.push(serviceDate);
    actItemErrors(transaction, claim, today, errors);
    claims.push({ ...claim, transaction });
  }
  if (claims.length > 0 && !claims.some((claim) => claim.date === today)) errors.push(refusal('238', transactionPath(cga, '/date')));

  // The patient as the insurer the request was routed to knows them: JSIS only through "rcam".
  const patientUrl = '/SendTransactionRequest/kmehrmessage/folder/patient/id';
  const patient = scenarioPatient(request.patientSsin);
  const routedToJsis = context.routing.mutuality === 'rcam';
  const insurer = patient?.membership?.insurer ?? '000';
  if (patient === undefined || !inOrderOn(patient, today) || (insurer === 'rcam') !== routedToJsis) {
    errors.push(refusal('120', patientUrl));
    return { errors, insurer, acts: claims.map(attestedAct), ...supervised };
  }
  if (patient.paymentByInsurer === true) errors.push(refusal('196', patientUrl));
  if ((context.identityReadingRequiredBy ?? NO_INSURER_REQUIRES_IDENTITY_READING).has(insurer)) {
    for (const claim of claims) {
      if (claim.transaction !== undefined && itemOf(claim.transaction, 'CD-ITEM-MYCARENET|documentidentity') === undefined) errors.push(refusal('222', transactionPath(claim.transaction)));
    }
  }
  // The DMG holder an act names must be the one the insurer knows (167), when the patient has one or not.
  for (const transaction of details) {
    const holder = dmgHolderOf(transaction);
    if (holder !== undefined && /^\d{11}$/.test(holder.nihii) && holder.nihii !== patient.dmgHolder?.nihii11) errors.push(refusal('167', holder.url));
  }
  for (const claim of claims) {
    if (patient.medicalHouse !== undefined && (tariffOf(claim.code)?.coveredByMedicalHouse ?? true)) errors.push(refusal('169', claim.url));
    const known = context.store.alreadyAttested(patient.ssin, { code: claim.code, date: claim.date });
    if (known !== undefined && !(known.providerNihii11 === caller.nihii11 && known.inputReference === context.inputReference)) errors.push(refusal('187', claim.url));
  }
  return { errors, patient, insurer, acts: claims.map(attestedAct), ...supervised };
}

export interface CancelJudgement {
  errors: KmehrRefusal[];
  acknowledgementNumber: string;
  reason: string;
}

const CANCEL_REASONS = new Set(['A', 'B', 'C', 'D', 'E', 'F', 'G']);

/** A cancellation (PROTOCOL §8.4): 141 unknown number, 244 other patient, 245 other author, 240 already cancelled. */
export function judgeCancel(request: KmehrSendRequest, caller: Caller, today: string, store: AttestationStore): CancelJudgement {
  // A trainee's cancellation is authored by the supervisor who attested (156 otherwise), as FHC sends it.
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
  else errors.push(...judgeCancelAuthor(transaction, caller, known).map(({ code, url }) => refusal(code, url)));
  return { errors, acknowledgementNumber: number, reason };
}
