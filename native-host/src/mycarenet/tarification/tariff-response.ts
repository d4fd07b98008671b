import { AppError } from '../../../../src/shared/errors.js';
import { parseEuroToCents } from '../../../../src/shared/domain/money.js';
import type { TariffLine } from '../../../../src/shared/domain/tariff.js';
import { childElements, firstChild, pathFrom, textOf } from '../../ehealth/xml/dom.js';
import { businessContentRoot } from '../commons/business-content.js';
import { readAcknowledge, type Acknowledge } from '../commons/kmehr-acknowledge.js';
import { MCN_NS } from '../commons/namespaces.js';

/**
 * The Tarification answer (PROTOCOL §7): a kmehr RetrieveTransactionResponse whose folder has one
 * transaction per code, with the official fee, the insurer's reimbursement and the patient's share
 * as decimal euros, read into integer cents. Only codes that were asked are accepted.
 */
export interface TariffAnswer {
  acknowledge: Acknowledge;
  lines: TariffLine[];
}

const MAX_TRANSACTIONS = 30;

function bad(message: string): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `Tarification answer: ${message}`, { service: 'tarification' });
}

/** `askedCodes`: the codes of our request; absent when inspecting an answer on its own. */
export function readTariffAnswer(businessContent: Uint8Array, askedCodes?: readonly string[]): TariffAnswer {
  const root = businessContentRoot(businessContent, { namespace: MCN_NS.msProtocol, localName: 'RetrieveTransactionResponse' }, bad);
  const acknowledge = readAcknowledge(root, 'Tarification answer');
  const message = firstChild(root, MCN_NS.msCore, 'kmehrmessage');
  const folders = message === undefined ? [] : childElements(message, MCN_NS.kmehr, 'folder');
  if (folders.length > 1) throw bad('more than one folder');
  const transactions = folders[0] === undefined ? [] : childElements(folders[0], MCN_NS.kmehr, 'transaction');
  if (transactions.length > MAX_TRANSACTIONS) throw bad('too many transactions');
  const lines: TariffLine[] = [];
  for (const transaction of transactions) {
    const line = readLine(transaction);
    if (askedCodes !== undefined && !askedCodes.includes(line.code)) throw bad('a tariff for a code that was not asked');
    if (lines.some((seen) => seen.code === line.code)) throw bad('two tariffs for the same code');
    lines.push(line);
  }
  return { acknowledge, lines };
}

function readLine(transaction: Element): TariffLine {
  const items = childElements(transaction, MCN_NS.kmehr, 'item');
  const byKind = new Map<string, Element>();
  for (const item of items) {
    const cd = firstChild(item, MCN_NS.kmehr, 'cd');
    const kind = `${cd?.getAttribute('S') ?? ''}|${textOf(cd) ?? ''}`;
    if (byKind.has(kind)) throw bad('a transaction repeats an item');
    byKind.set(kind, item);
  }
  const claim = byKind.get('CD-ITEM|claim');
  const code = claim === undefined ? undefined : childElements(claim, MCN_NS.kmehr, 'content').map((content) => firstChild(content, MCN_NS.kmehr, 'cd')).find((cd) => cd?.getAttribute('S') === 'CD-NIHDI');
  const codeText = textOf(code);
  if (codeText === undefined || !/^\d{6}$/.test(codeText)) throw bad('a transaction has no nomenclature code');
  const amount = (kind: string): number => {
    const item = byKind.get(`CD-ITEM-MYCARENET|${kind}`);
    if (item === undefined) throw bad(`the tariff of ${codeText} has no ${kind}`);
    const currency = textOf(pathFrom(item, [[MCN_NS.kmehr, 'cost'], [MCN_NS.kmehr, 'unit'], [MCN_NS.kmehr, 'cd']]));
    if (currency !== 'EUR') throw bad(`the ${kind} of ${codeText} is not in euro`);
    const cents = parseEuroToCents(textOf(pathFrom(item, [[MCN_NS.kmehr, 'cost'], [MCN_NS.kmehr, 'decimal']])) ?? '');
    if (cents === undefined || cents < 0) throw bad(`the ${kind} of ${codeText} is not an amount`);
    return cents;
  };
  return { code: codeText, fee: amount('fee'), reimbursement: amount('reimbursement'), patientShare: amount('patientfee') };
}
