import { BadRequest, childrenNS, readXml, text } from '../xml.js';
import { KMEHR_NS, MS_CORE_NS, MS_PROTOCOL_NS } from '../kmehr-response.js';

/**
 * The kmehr SendTransactionRequest of an eAttest v3 send or cancel (PROTOCOL §8.2, §8.4), read as
 * the insurers read it: by position, so that an error can name the element with an XPath into
 * the request, like the platform's `url`.
 */

export interface Party {
  nihii11?: string;
  ssin?: string;
  cd?: string;
}

export interface KmehrItem {
  /** 1-based position among the transaction's items. */
  position: number;
  /** `<S>|<value>` of the item's cd, e.g. "CD-ITEM|claim". */
  kind: string;
  element: Element;
}

export interface KmehrTransaction {
  /** 1-based position in the folder (after the patient). */
  position: number;
  type: string;
  date: string;
  author: Party;
  items: KmehrItem[];
}

export interface KmehrSendRequest {
  id: string;
  author: Party;
  date: string;
  time: string;
  headerDate: string;
  sender: Party;
  recipientIsMyCareNet: boolean;
  patientSsin: string;
  transactions: KmehrTransaction[];
}

const MAX_TRANSACTIONS = 40;
const MAX_ITEMS = 30;

const one = (parent: Element | undefined, ns: string, local: string): Element | undefined => (parent === undefined ? undefined : childrenNS(parent, ns, local)[0]);

function party(holder: Element | undefined): Party {
  const hcparty = one(holder, KMEHR_NS, 'hcparty');
  if (hcparty === undefined) return {};
  const ids = childrenNS(hcparty, KMEHR_NS, 'id');
  const id = (scheme: string) => ids.find((candidate) => candidate.getAttribute('S') === scheme);
  const nihii = id('ID-HCPARTY');
  const ssin = id('INSS');
  const cd = one(hcparty, KMEHR_NS, 'cd');
  return { ...(nihii !== undefined ? { nihii11: text(nihii) } : {}), ...(ssin !== undefined ? { ssin: text(ssin) } : {}), ...(cd !== undefined ? { cd: text(cd) } : {}) };
}

function cdOf(parent: Element): string {
  const cd = one(parent, KMEHR_NS, 'cd');
  return cd === undefined ? '' : `${cd.getAttribute('S') ?? ''}|${text(cd)}`;
}

export function readKmehrSendRequest(bytes: Buffer): KmehrSendRequest {
  const root = readXml(bytes.toString('utf8')).documentElement as Element;
  if (root.namespaceURI !== MS_PROTOCOL_NS || root.localName !== 'SendTransactionRequest') throw new BadRequest('the business content is not a kmehr SendTransactionRequest');
  const request = one(root, MS_CORE_NS, 'request');
  const message = one(root, MS_CORE_NS, 'kmehrmessage');
  const header = one(message, KMEHR_NS, 'header');
  const folders = message === undefined ? [] : childrenNS(message, KMEHR_NS, 'folder');
  const folder = folders[0];
  if (request === undefined || header === undefined || folders.length !== 1 || folder === undefined) throw new BadRequest('request, header and one folder are required');
  const patient = one(folder, KMEHR_NS, 'patient');
  const patientId = patient === undefined ? undefined : childrenNS(patient, KMEHR_NS, 'id').find((candidate) => candidate.getAttribute('S') === 'ID-PATIENT');
  const transactionElements = childrenNS(folder, KMEHR_NS, 'transaction');
  if (transactionElements.length > MAX_TRANSACTIONS) throw new BadRequest('too many transactions');
  const transactions = transactionElements.map((transaction, index): KmehrTransaction => {
    const items = childrenNS(transaction, KMEHR_NS, 'item');
    if (items.length > MAX_ITEMS) throw new BadRequest('too many items');
    return {
      position: index + 1,
      type: cdOf(transaction).replace(/^CD-TRANSACTION-MYCARENET\|/, ''),
      date: text(one(transaction, KMEHR_NS, 'date')),
      author: party(one(transaction, KMEHR_NS, 'author')),
      items: items.map((item, itemIndex) => ({ position: itemIndex + 1, kind: cdOf(item), element: item })),
    };
  });
  const recipient = one(one(header, KMEHR_NS, 'recipient'), KMEHR_NS, 'hcparty');
  return {
    id: text(one(request, MS_CORE_NS, 'id')),
    author: party(one(request, MS_CORE_NS, 'author')),
    date: text(one(request, MS_CORE_NS, 'date')),
    time: text(one(request, MS_CORE_NS, 'time')),
    headerDate: text(one(header, KMEHR_NS, 'date')),
    sender: party(one(header, KMEHR_NS, 'sender')),
    recipientIsMyCareNet: recipient !== undefined && text(one(recipient, KMEHR_NS, 'cd')) === 'application' && text(one(recipient, KMEHR_NS, 'name')) === 'mycarenet',
    patientSsin: patientId === undefined ? '' : text(patientId),
    transactions,
  };
}

/** The content children of an item, e.g. its cd of scheme CD-NIHDI. */
export function itemContent(item: KmehrItem, local: string, scheme?: string): Element | undefined {
  for (const content of childrenNS(item.element, KMEHR_NS, 'content')) {
    const found = childrenNS(content, KMEHR_NS, local).find((candidate) => scheme === undefined || candidate.getAttribute('S') === scheme || candidate.getAttribute('SL') === scheme);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The platform's kind of XPath into the request: the folder's n-th transaction (the patient is not counted). */
export function transactionPath(transaction: KmehrTransaction, rest = ''): string {
  return `/SendTransactionRequest/kmehrmessage/folder/transaction[${transaction.position}]${rest}`;
}
