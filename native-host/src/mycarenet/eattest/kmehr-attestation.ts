import { AppError } from '../../../../src/shared/errors.js';
import type { Attestation, AttestationAct } from '../../../../src/shared/domain/attestation.js';
import { declareNamespace, newDocument, serialize, type ElementSpec } from '../../ehealth/xml/dom.js';
import type { CareProvider } from '../commons/care-provider.js';
import { KMEHR_VERSIONS, brusselsDateTime, kmehr, kmehrRequestHeader, msCore, providerHcparty } from '../commons/kmehr.js';
import { MCN_NS } from '../commons/namespaces.js';

/**
 * The eAttest v3 business content (PROTOCOL §8.2, §8.4): a kmehr 1.34 SendTransactionRequest whose
 * folder holds the patient and either the attestation (one "cga" for the whole, one "cgd" per act)
 * or one "cgacancellation". Built with the DOM helpers only; every value comes from a parsed
 * Attestation or from the STS token.
 */

export const KMEHR_MESSAGE_PROTOCOL_VERSION = '1.34';
/** CD-STANDARD of kmehr 1.34/1.35 (the v3 connectors send 20210120). */
const KMEHR_STANDARD = { sv: '1.35', value: '20210120' };
const SV = { cdItemMyCareNet: '1.4', cdCurrency: '1.0', cdSex: '1.1', local: '1.0', cdStandard: KMEHR_STANDARD.sv } as const;

export interface KmehrEnvelopeFields {
  provider: CareProvider;
  /** CommonInput/InputReference; also the suffix of the kmehr request id. */
  reference: string;
  now: Date;
}

/** Integer cents as a kmehr decimal with two decimals ("6.00"). */
export function centsToDecimal(cents: number): string {
  if (!Number.isInteger(cents) || cents < 0) throw new AppError('INTERNAL', 'An amount in a kmehr message must be whole, non-negative cents.');
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

const id = (value: string): ElementSpec => kmehr('id', { S: 'ID-KMEHR', SV: KMEHR_VERSIONS.idKmehr }, [value]);
const mycarenetItemCd = (value: string): ElementSpec => kmehr('cd', { S: 'CD-ITEM-MYCARENET', SV: SV.cdItemMyCareNet }, [value]);
const itemCd = (value: string): ElementSpec => kmehr('cd', { S: 'CD-ITEM', SV: KMEHR_VERSIONS.cdItem }, [value]);
const local = (list: string, value: string): ElementSpec => kmehr('cd', { S: 'LOCAL', SV: SV.local, SL: list }, [value]);

function cost(cents: number): ElementSpec {
  return kmehr('cost', {}, [kmehr('decimal', {}, [centsToDecimal(cents)]), kmehr('unit', {}, [kmehr('cd', { S: 'CD-CURRENCY', SV: SV.cdCurrency }, ['EUR'])])]);
}

/** Items are numbered from 1 in each transaction, in order: that order is what an error's XPath names. */
function numbered(items: readonly ElementSpec[][]): ElementSpec[] {
  return items.map((children, index) => kmehr('item', {}, [id(String(index + 1)), ...children]));
}

function transaction(number: number, type: string, provider: CareProvider, now: Date, items: readonly ElementSpec[][]): ElementSpec {
  const { date, time } = brusselsDateTime(now);
  return kmehr('transaction', {}, [
    id(String(number)),
    kmehr('cd', { S: 'CD-TRANSACTION-MYCARENET', SV: KMEHR_VERSIONS.cdTransactionMyCareNet }, [type]),
    kmehr('date', {}, [date]),
    kmehr('time', {}, [time]),
    kmehr('author', {}, [providerHcparty(provider)]),
    kmehr('iscomplete', {}, ['true']),
    kmehr('isvalidated', {}, ['true']),
    ...numbered(items),
  ]);
}

function cga(attestation: Attestation, provider: CareProvider, now: Date): ElementSpec {
  const items: ElementSpec[][] = [[mycarenetItemCd('patientpaid'), cost(attestation.patientPaidCents)]];
  if (attestation.supplementCents !== undefined) items.push([mycarenetItemCd('supplement'), cost(attestation.supplementCents)]);
  // Mandatory for the platform (error 100); without it the insurer refuses, which the clinician then sees.
  if (attestation.collectingEntityCbe !== undefined) {
    items.push([mycarenetItemCd('paymentreceivingparty'), kmehr('content', {}, [kmehr('id', { S: 'ID-CBE', SV: KMEHR_VERSIONS.idKmehr }, [attestation.collectingEntityCbe])])]);
  }
  return transaction(1, 'cga', provider, now, items);
}

function hcpartyByNihii(nihii: string): ElementSpec {
  return kmehr('hcparty', {}, [kmehr('id', { S: 'ID-HCPARTY', SV: KMEHR_VERSIONS.idKmehr }, [nihii]), kmehr('cd', { S: 'CD-HCPARTY', SV: KMEHR_VERSIONS.cdHcparty }, [nihii.length === 8 ? 'orghospital' : 'persphysician'])]);
}

function cgd(act: AttestationAct, number: number, provider: CareProvider, now: Date): ElementSpec {
  const claim: ElementSpec[] = [
    itemCd('claim'),
    kmehr('content', {}, [kmehr('cd', { S: 'CD-NIHDI', SV: KMEHR_VERSIONS.cdNihdi }, [act.code])]),
    // Norm 0: no prescription rule applies; a prescribed act carries norm 1 and its prescriber.
    kmehr('content', {}, [local('NIHDI-CLAIM-NORM', act.prescriberNihii !== undefined ? '1' : '0')]),
  ];
  // The tooth (dentists) has no carrier established in PROTOCOL §8.2; it is not sent.
  claim.push(kmehr('quantity', {}, [kmehr('decimal', {}, [String(act.quantity)])]));
  const items: ElementSpec[][] = [claim, [itemCd('encounterdatetime'), kmehr('content', {}, [kmehr('date', {}, [act.serviceDate])])]];
  if (act.amountPaidCents !== undefined) items.push([mycarenetItemCd('patientpaid'), cost(act.amountPaidCents)]);
  if (act.decisionReference !== undefined) {
    items.push([mycarenetItemCd('decisionreference'), kmehr('content', {}, [kmehr('id', { S: 'LOCAL', SV: SV.local, SL: 'OAreferencesystemname' }, [act.decisionReference])])]);
  }
  if (act.placeNihii !== undefined) items.push([itemCd('encounterlocation'), kmehr('content', {}, [hcpartyByNihii(act.placeNihii)])]);
  if (act.prescriberNihii !== undefined) items.push([itemCd('requestor'), kmehr('content', {}, [hcpartyByNihii(act.prescriberNihii)])]);
  return transaction(number, 'cgd', provider, now, items);
}

function patient(ssin: string, firstName?: string, lastName?: string): ElementSpec {
  return kmehr('patient', {}, [
    kmehr('id', { S: 'ID-PATIENT', SV: KMEHR_VERSIONS.idKmehr }, [ssin]),
    kmehr('firstname', {}, [firstName ?? '']),
    kmehr('familyname', {}, [lastName ?? '']),
    // The SSIN tells the insurer the sex; kmehr requires the element.
    kmehr('sex', {}, [kmehr('cd', { S: 'CD-SEX', SV: SV.cdSex }, ['unknown'])]),
  ]);
}

function sendTransactionRequest(fields: KmehrEnvelopeFields, folderContent: readonly ElementSpec[]): Uint8Array {
  const { provider, reference, now } = fields;
  const { date, time } = brusselsDateTime(now);
  const document = newDocument({
    ns: MCN_NS.msProtocol,
    name: 'ms:SendTransactionRequest',
    attrs: { messageProtocoleSchemaVersion: KMEHR_MESSAGE_PROTOCOL_VERSION },
    children: [
      kmehrRequestHeader(provider, reference, now),
      msCore('kmehrmessage', {}, [
        kmehr('header', {}, [
          kmehr('standard', {}, [kmehr('cd', { S: 'CD-STANDARD', SV: SV.cdStandard }, [KMEHR_STANDARD.value])]),
          id('1'),
          kmehr('date', {}, [date]),
          kmehr('time', {}, [time]),
          kmehr('sender', {}, [providerHcparty(provider)]),
          kmehr('recipient', {}, [kmehr('hcparty', {}, [kmehr('cd', { S: 'CD-HCPARTY', SV: KMEHR_VERSIONS.cdHcparty }, ['application']), kmehr('name', {}, ['mycarenet'])])]),
        ]),
        kmehr('folder', {}, [id('1'), ...folderContent]),
      ]),
    ],
  });
  const root = document.documentElement;
  declareNamespace(root, 'ms', MCN_NS.msProtocol);
  declareNamespace(root, 'core', MCN_NS.msCore);
  declareNamespace(root, 'kmehr', MCN_NS.kmehr);
  return Buffer.from(serialize(document), 'utf8');
}

/** The kmehr of a send: the patient, the cga and one cgd per act, in the attestation's order. */
export function attestationKmehr(fields: KmehrEnvelopeFields, attestation: Attestation): Uint8Array {
  const { provider, now } = fields;
  return sendTransactionRequest(fields, [
    patient(attestation.patient.ssin, attestation.patient.firstName, attestation.patient.lastName),
    cga(attestation, provider, now),
    ...attestation.acts.map((act, index) => cgd(act, index + 2, provider, now)),
  ]);
}

/** The kmehr of a cancellation: one cgacancellation naming the acknowledgement number and the reason. */
export function cancellationKmehr(fields: KmehrEnvelopeFields, cancellation: { patientSsin: string; acknowledgementNumber: string; reason: string }): Uint8Array {
  return sendTransactionRequest(fields, [
    patient(cancellation.patientSsin),
    transaction(1, 'cgacancellation', fields.provider, fields.now, [
      [
        mycarenetItemCd('invoicingnumber'),
        kmehr('content', {}, [kmehr('text', { L: 'en' }, [cancellation.acknowledgementNumber])]),
        kmehr('content', {}, [local('NIHDI-CANCELLATION-REASON', cancellation.reason)]),
      ],
    ]),
  ]);
}
