import { acknowledgementNumberSchema } from '../../../../src/shared/domain/receipt.js';
import { parseEuroToCents } from '../../../../src/shared/domain/money.js';
import { AppError } from '../../../../src/shared/errors.js';
import { childElements, firstChild, pathFrom, textOf } from '../../ehealth/xml/dom.js';
import { businessContentRoot } from '../commons/business-content.js';
import { readAcknowledge, type KmehrError } from '../commons/kmehr-acknowledge.js';
import { MCN_NS } from '../commons/namespaces.js';

/**
 * A decrypted kmehr SendTransactionResponse of eAttest (PROTOCOL §8.3), read without judging it:
 * whether it is complete, the errors (code, description, the XPath into our request), the
 * acknowledgement number from the cga transaction's `invoicingnumber` item, the answering insurer
 * and the official fee per act. What the outcome means for the journal is the caller's business.
 */
export interface SendTransactionResponse {
  isComplete: boolean;
  errors: KmehrError[];
  acknowledgementNumber?: string;
  /** The insurer's ID-INSURANCE in the response author (e.g. "500"). */
  insurer?: string;
  responseId?: string;
  /** The official fee per act (cgd transaction), in cents. */
  fees: { code: string; fee: number }[];
}

const MAX_TRANSACTIONS = 60;

function bad(message: string): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `eAttest answer: ${message}`, { service: 'eattest' });
}

function cdOf(element: Element, scheme: string): string | undefined {
  return textOf(childElements(element, MCN_NS.kmehr, 'cd').find((cd) => cd.getAttribute('S') === scheme));
}

export function readSendTransactionResponse(businessContent: Uint8Array): SendTransactionResponse {
  const root = businessContentRoot(businessContent, { namespace: MCN_NS.msProtocol, localName: 'SendTransactionResponse' }, bad);
  const { isComplete, errors } = readAcknowledge(root, 'eAttest answer');
  const response = firstChild(root, MCN_NS.msCore, 'response');
  const responseId = textOf(response === undefined ? undefined : firstChild(response, MCN_NS.msCore, 'id'))?.slice(0, 100);
  const authorParty = response === undefined ? undefined : pathFrom(response, [[MCN_NS.msCore, 'author'], [MCN_NS.kmehr, 'hcparty']]);
  const insurer = authorParty === undefined ? undefined : textOf(childElements(authorParty, MCN_NS.kmehr, 'id').find((id) => id.getAttribute('S') === 'ID-INSURANCE'))?.slice(0, 10);

  const message = firstChild(root, MCN_NS.msCore, 'kmehrmessage');
  const folders = message === undefined ? [] : childElements(message, MCN_NS.kmehr, 'folder');
  const transactions = folders.flatMap((folder) => childElements(folder, MCN_NS.kmehr, 'transaction'));
  if (transactions.length > MAX_TRANSACTIONS) throw bad('too many transactions');
  const numbers: string[] = [];
  const fees: { code: string; fee: number }[] = [];
  for (const transaction of transactions) {
    const kind = cdOf(transaction, 'CD-TRANSACTION-MYCARENET');
    const items = childElements(transaction, MCN_NS.kmehr, 'item');
    if (kind === 'cga') {
      for (const item of items.filter((candidate) => cdOf(candidate, 'CD-ITEM-MYCARENET') === 'invoicingnumber')) {
        const value = textOf(pathFrom(item, [[MCN_NS.kmehr, 'content'], [MCN_NS.kmehr, 'text']]));
        if (value !== undefined) numbers.push(value);
      }
    } else if (kind === 'cgd') {
      const claim = items.find((item) => cdOf(item, 'CD-ITEM') === 'claim');
      const code = claim === undefined ? undefined : childElements(claim, MCN_NS.kmehr, 'content').map((content) => cdOf(content, 'CD-NIHDI')).find((value) => value !== undefined);
      const feeItem = items.find((item) => cdOf(item, 'CD-ITEM-MYCARENET') === 'fee');
      const fee = feeItem === undefined ? undefined : parseEuroToCents(textOf(pathFrom(feeItem, [[MCN_NS.kmehr, 'cost'], [MCN_NS.kmehr, 'decimal']])) ?? '');
      if (code !== undefined && /^\d{6}$/.test(code) && fee !== undefined) fees.push({ code, fee });
      else if (feeItem !== undefined) throw bad('an act has a fee that cannot be read');
    }
  }
  if (numbers.length > 1) throw bad('more than one acknowledgement number');
  const acknowledgementNumber = numbers[0];
  if (acknowledgementNumber !== undefined && !acknowledgementNumberSchema.safeParse(acknowledgementNumber).success) throw bad('the acknowledgement number has an unexpected form');
  return {
    isComplete,
    errors,
    fees,
    ...(acknowledgementNumber !== undefined ? { acknowledgementNumber } : {}),
    ...(insurer !== undefined && insurer !== '' ? { insurer } : {}),
    ...(responseId !== undefined && responseId !== '' ? { responseId } : {}),
  };
}
