import { BadRequest, childrenNS, readXml, text } from '../xml.js';
import { KMEHR_NS, MS_CORE_NS, MS_PROTOCOL_NS } from '../kmehr-response.js';

/** The kmehr RetrieveTransactionRequest of a tariff consultation, read positionally (PROTOCOL §7). */

export interface HcpartyIds {
  nihii11?: string;
  ssin?: string;
  cd?: string;
}

export interface Claim {
  /** 1-based position among the transaction's items, for the error's XPath. */
  item: number;
  code: string;
}

export interface KmehrTariffRequest {
  id: string;
  author: HcpartyIds;
  date: string;
  time: string;
  patientSsin?: string;
  transactionType?: string;
  transactionAuthor?: HcpartyIds;
  encounterDate?: { item: number; value: string };
  claims: Claim[];
}

const one = (parent: Element, ns: string, local: string): Element | undefined => childrenNS(parent, ns, local)[0];

function hcparty(author: Element | undefined): HcpartyIds {
  const party = author === undefined ? undefined : one(author, KMEHR_NS, 'hcparty');
  if (party === undefined) return {};
  const ids = childrenNS(party, KMEHR_NS, 'id');
  const id = (scheme: string) => ids.find((candidate) => candidate.getAttribute('S') === scheme);
  const nihii = id('ID-HCPARTY');
  const inss = id('INSS');
  const cd = one(party, KMEHR_NS, 'cd');
  return { ...(nihii !== undefined ? { nihii11: text(nihii) } : {}), ...(inss !== undefined ? { ssin: text(inss) } : {}), ...(cd !== undefined ? { cd: text(cd) } : {}) };
}

export function readTariffRequest(bytes: Buffer): KmehrTariffRequest {
  const root = readXml(bytes.toString('utf8')).documentElement as Element;
  if (root.namespaceURI !== MS_PROTOCOL_NS || root.localName !== 'RetrieveTransactionRequest') throw new BadRequest('the Detail is not a kmehr RetrieveTransactionRequest');
  const request = one(root, MS_CORE_NS, 'request');
  const select = one(root, MS_CORE_NS, 'select');
  if (request === undefined || select === undefined) throw new BadRequest('request and select are required');
  const patientId = childrenNS(one(select, MS_CORE_NS, 'patient') ?? select, MS_CORE_NS, 'id').find((id) => id.getAttribute('S') === 'ID-PATIENT');
  const transaction = one(select, MS_CORE_NS, 'transaction');
  const claims: Claim[] = [];
  let encounterDate: KmehrTariffRequest['encounterDate'];
  const items = transaction === undefined ? [] : childrenNS(transaction, MS_CORE_NS, 'item');
  items.forEach((item, index) => {
    const cd = one(item, KMEHR_NS, 'cd');
    const kind = cd?.getAttribute('S') === 'CD-ITEM' ? text(cd) : '';
    const content = one(item, KMEHR_NS, 'content');
    if (kind === 'encounterdatetime') encounterDate = { item: index + 1, value: text(content === undefined ? undefined : one(content, KMEHR_NS, 'date')) };
    if (kind === 'claim') {
      const code = content === undefined ? undefined : childrenNS(content, KMEHR_NS, 'cd').find((candidate) => candidate.getAttribute('S') === 'CD-NIHDI');
      claims.push({ item: index + 1, code: text(code) });
    }
  });
  const transactionCd = transaction === undefined ? undefined : childrenNS(transaction, MS_CORE_NS, 'cd').find((cd) => cd.getAttribute('S') === 'CD-TRANSACTION-MYCARENET');
  const transactionAuthor = transaction === undefined ? undefined : one(transaction, MS_CORE_NS, 'author');
  return {
    id: text(one(request, MS_CORE_NS, 'id')),
    author: hcparty(one(request, MS_CORE_NS, 'author')),
    date: text(one(request, MS_CORE_NS, 'date')),
    time: text(one(request, MS_CORE_NS, 'time')),
    ...(patientId !== undefined ? { patientSsin: text(patientId) } : {}),
    ...(transactionCd !== undefined ? { transactionType: text(transactionCd) } : {}),
    ...(transactionAuthor !== undefined ? { transactionAuthor: hcparty(transactionAuthor) } : {}),
    ...(encounterDate !== undefined ? { encounterDate } : {}),
    claims,
  };
}
