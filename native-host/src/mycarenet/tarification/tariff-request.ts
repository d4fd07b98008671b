import { AppError } from '../../../../src/shared/errors.js';
import { isValidSsin } from '../../../../src/shared/domain/identifiers.js';
import { declareNamespace, newDocument, serialize } from '../../ehealth/xml/dom.js';
import type { CareProvider } from '../commons/care-provider.js';
import { KMEHR_VERSIONS, kmehr, kmehrRequestHeader, msCore, providerHcparty } from '../commons/kmehr.js';
import { MCN_NS } from '../commons/namespaces.js';

/**
 * The Tarification business content (PROTOCOL §7): a kmehr RetrieveTransactionRequest selecting the
 * patient and a "tariff" transaction with the encounter date and one claim item per nomenclature
 * code. The item order is kept so that an error's XPath can be traced back to its code.
 */
export interface TariffQuery {
  provider: CareProvider;
  /** Used in the kmehr request id (`<NIHII11>.<reference>`). */
  reference: string;
  ssin: string;
  date: string;
  codes: readonly string[];
  /** Dentists: the tooth of a code, in its claim as CD-ISO-3950 (PROTOCOL §7). */
  teeth?: Readonly<Record<string, string>>;
  now: Date;
}

export interface TariffRequest {
  xml: Uint8Array;
  /** 1-based item position in the transaction → the nomenclature code it claims. */
  codeByItem: ReadonlyMap<number, string>;
}

export function tariffRequest(query: TariffQuery): TariffRequest {
  if (!isValidSsin(query.ssin)) throw new AppError('INTERNAL', 'A tariff request needs a valid SSIN.');
  if (query.codes.length === 0 || query.codes.some((code) => !/^\d{6}$/.test(code)) || new Set(query.codes).size !== query.codes.length) {
    throw new AppError('INTERNAL', 'A tariff request needs distinct 6-digit codes.');
  }
  const codeByItem = new Map<number, string>();
  const items = [
    msCore('item', {}, [
      kmehr('id', { S: 'ID-KMEHR', SV: KMEHR_VERSIONS.idKmehr }, ['1']),
      kmehr('cd', { S: 'CD-ITEM', SV: KMEHR_VERSIONS.cdItem }, ['encounterdatetime']),
      kmehr('content', {}, [kmehr('date', {}, [query.date])]),
    ]),
    ...query.codes.map((code, index) => {
      codeByItem.set(index + 2, code);
      return msCore('item', {}, [
        kmehr('id', { S: 'ID-KMEHR', SV: KMEHR_VERSIONS.idKmehr }, [String(index + 2)]),
        kmehr('cd', { S: 'CD-ITEM', SV: KMEHR_VERSIONS.cdItem }, ['claim']),
        kmehr('content', {}, [kmehr('cd', { S: 'CD-NIHDI', SV: KMEHR_VERSIONS.cdNihdi }, [code])]),
        ...(query.teeth?.[code] !== undefined ? [kmehr('content', {}, [kmehr('cd', { S: 'CD-ISO-3950', SV: '1.0' }, [query.teeth[code]])])] : []),
      ]);
    }),
  ];
  const document = newDocument({
    ns: MCN_NS.msProtocol,
    name: 'ms:RetrieveTransactionRequest',
    children: [
      kmehrRequestHeader(query.provider, query.reference, query.now),
      msCore('select', {}, [
        msCore('patient', {}, [msCore('id', { S: 'ID-PATIENT', SV: KMEHR_VERSIONS.idKmehr }, [query.ssin])]),
        msCore('transaction', {}, [
          msCore('cd', { S: 'CD-TRANSACTION-MYCARENET', SV: KMEHR_VERSIONS.cdTransactionMyCareNet }, ['tariff']),
          msCore('author', {}, [providerHcparty(query.provider)]),
          ...items,
        ]),
      ]),
    ],
  });
  const root = document.documentElement;
  declareNamespace(root, 'ms', MCN_NS.msProtocol);
  declareNamespace(root, 'core', MCN_NS.msCore);
  declareNamespace(root, 'kmehr', MCN_NS.kmehr);
  return { xml: Buffer.from(serialize(document), 'utf8'), codeByItem };
}
