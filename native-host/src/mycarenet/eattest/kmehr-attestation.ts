import { AppError } from '../../../../src/shared/errors.js';
import type { Attestation, AttestationAct, IdentityReading } from '../../../../src/shared/domain/attestation.js';
import { PLACE_TYPE_CD_HCPARTY } from '../../../../src/shared/domain/attestation-rules.js';
import { declareNamespace, newDocument, serialize, type ElementSpec } from '../../ehealth/xml/dom.js';
import type { Supervisor } from '../../config.js';
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
const SV = { cdItemMyCareNet: '1.4', cdCurrency: '1.0', cdSex: '1.1', local: '1.0', cdStandard: KMEHR_STANDARD.sv, isoTooth: '1.0' } as const;

export interface KmehrEnvelopeFields {
  provider: CareProvider;
  /** CommonInput/InputReference; also the suffix of the kmehr request id. */
  reference: string;
  now: Date;
  /**
   * A physician in training's supervisor (host configuration): then the cga, every cgd and a
   * cancellation are authored by the supervisor, and every cgd names the signed-in trainee in an
   * "internship" item; the request and the header stay the trainee's, who signs (FHC EattestV3ServiceImpl).
   */
  supervisor?: Supervisor | undefined;
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

/** A physician as a kmehr hcparty: a trainee's supervisor, a guard post's physician on duty. */
function physicianHcparty(physician: { nihii11: string; ssin: string; firstName: string; lastName: string }): ElementSpec {
  return kmehr('hcparty', {}, [
    hcpartyId(physician.nihii11),
    kmehr('id', { S: 'INSS', SV: KMEHR_VERSIONS.idKmehr }, [physician.ssin]),
    cdHcparty('persphysician'),
    kmehr('firstname', {}, [physician.firstName]),
    kmehr('familyname', {}, [physician.lastName]),
  ]);
}

/**
 * The attesting author of the cga, cgd and cgacancellation: the supervisor of a trainee, else the
 * signed-in provider. (A guard post's attestation is authored by its physician on duty: `author`.)
 */
function attestingAuthor(fields: KmehrEnvelopeFields): ElementSpec {
  const { supervisor } = fields;
  return supervisor === undefined ? providerHcparty(fields.provider) : physicianHcparty(supervisor);
}

function transaction(number: number, type: string, fields: KmehrEnvelopeFields, items: readonly ElementSpec[][], author: ElementSpec = attestingAuthor(fields)): ElementSpec {
  const { date, time } = brusselsDateTime(fields.now);
  return kmehr('transaction', {}, [
    id(String(number)),
    kmehr('cd', { S: 'CD-TRANSACTION-MYCARENET', SV: KMEHR_VERSIONS.cdTransactionMyCareNet }, [type]),
    kmehr('date', {}, [date]),
    kmehr('time', {}, [time]),
    kmehr('author', {}, [author]),
    kmehr('iscomplete', {}, ['true']),
    kmehr('isvalidated', {}, ['true']),
    ...numbered(items),
  ]);
}

/** The cga supplement: the total given, else the sum of the acts' supplements (as the references compute it). */
function totalSupplement(attestation: Attestation): number | undefined {
  if (attestation.supplementCents !== undefined) return attestation.supplementCents;
  const perAct = attestation.acts.filter((act) => act.supplementCents !== undefined);
  return perAct.length === 0 ? undefined : perAct.reduce((sum, act) => sum + (act.supplementCents ?? 0), 0);
}

function cga(attestation: Attestation, fields: KmehrEnvelopeFields): ElementSpec {
  // patientpaid: what was charged to the patient within the legal fee (the references' meaning); supplements apart.
  const items: ElementSpec[][] = [[mycarenetItemCd('patientpaid'), cost(attestation.patientPaidCents)]];
  const supplement = totalSupplement(attestation);
  if (supplement !== undefined && supplement > 0) items.push([mycarenetItemCd('supplement'), cost(supplement)]);
  // Mandatory for the platform (error 100); without it the insurer refuses, which the clinician then sees.
  if (attestation.collectingEntityCbe !== undefined) {
    items.push([mycarenetItemCd('paymentreceivingparty'), kmehr('content', {}, [kmehr('id', { S: 'ID-CBE', SV: KMEHR_VERSIONS.idKmehr }, [attestation.collectingEntityCbe])])]);
  }
  return transaction(1, 'cga', fields, items, careAuthor(attestation, fields));
}

/**
 * Who attests the care (cga, every cgd): a guard post's physician on duty, who gave it (FHC
 * EattestV3ServiceImpl: the request and the header are the guard post's, the cga and cgd authors the
 * physician's); else the attesting author.
 */
function careAuthor(attestation: Attestation, fields: KmehrEnvelopeFields): ElementSpec {
  const guardPost = fields.provider.profession === 'guardPost';
  if (guardPost !== (attestation.performer !== undefined)) throw new AppError('INTERNAL', 'a guard post, and only a guard post, names the physician on duty');
  return attestation.performer === undefined ? attestingAuthor(fields) : physicianHcparty(attestation.performer);
}

const cdHcparty = (value: string): ElementSpec => kmehr('cd', { S: 'CD-HCPARTY', SV: KMEHR_VERSIONS.cdHcparty }, [value]);
const hcpartyId = (nihii: string): ElementSpec => kmehr('id', { S: 'ID-HCPARTY', SV: KMEHR_VERSIONS.idKmehr }, [nihii]);

/** NIHDI-TREATED-LIMB: 1 left, 2 right (eFact record 50; no reference spells the values out: PROTOCOL §14). */
const TREATED_LIMB = { left: '1', right: '2' } as const;
/** What the references send as requestor norm for an act prescribed by the prescriber they name. */
const DEFAULT_REQUESTOR_NORM = '1';

function claimItem(act: AttestationAct): ElementSpec[] {
  return [
    itemCd('claim'),
    kmehr('content', {}, [kmehr('cd', { S: 'CD-NIHDI', SV: KMEHR_VERSIONS.cdNihdi }, [act.code])]),
    // The pricing norm: 0 in every reference, prescribed acts included; the prescription has its own norm in `requestor`.
    kmehr('content', {}, [local('NIHDI-CLAIM-NORM', '0')]),
    ...(act.tooth !== undefined ? [kmehr('content', {}, [kmehr('cd', { S: 'CD-ISO-3950', SV: SV.isoTooth }, [act.tooth])])] : []),
    // A limb's side; a tooth's side is in its FDI number (its quadrant), so a dental act sends no limb.
    ...(act.side !== undefined && act.tooth === undefined ? [kmehr('content', {}, [local('NIHDI-TREATED-LIMB', TREATED_LIMB[act.side])])] : []),
    kmehr('quantity', {}, [kmehr('decimal', {}, [String(act.quantity)])]),
  ];
}

/** The place of care: an institution of the kind the clinician chose, and a hospital's service (error 243). */
function encounterLocation(act: AttestationAct & { placeNihii: string }): ElementSpec[] {
  // Without a kind the place is at least never taken for a person: 8 digits are a hospital's number.
  const kind = PLACE_TYPE_CD_HCPARTY[act.placeType ?? 'hospital'];
  return [
    itemCd('encounterlocation'),
    kmehr('content', {}, [kmehr('hcparty', {}, [hcpartyId(act.placeNihii), cdHcparty(kind)])]),
    ...(act.placeServiceCode !== undefined ? [kmehr('content', {}, [local('NIHDI-SERVICE-CD', act.placeServiceCode)])] : []),
  ];
}

/** The prescriber, the prescription's date and the requestor norm (errors 100, 218); a self-prescription (norm 3) has the norm alone. */
function requestor(act: AttestationAct): ElementSpec[] {
  return [
    itemCd('requestor'),
    ...(act.prescriberNihii !== undefined ? [kmehr('content', {}, [kmehr('hcparty', {}, [hcpartyId(act.prescriberNihii), cdHcparty('persphysician')])])] : []),
    ...(act.prescriptionDate !== undefined ? [kmehr('content', {}, [kmehr('date', {}, [act.prescriptionDate])])] : []),
    kmehr('content', {}, [local('NIHDI-REQUESTOR-NORM', act.prescriberNorm ?? DEFAULT_REQUESTOR_NORM)]),
  ];
}

/** The reading of the patient's identity document (eFact record 52), repeated in every act as the references do. */
function documentIdentity(reading: IdentityReading): ElementSpec[] {
  return [
    mycarenetItemCd('documentidentity'),
    kmehr('content', {}, [kmehr('date', {}, [reading.date]), kmehr('time', {}, [reading.time])]),
    kmehr('content', {}, [
      local('NIHDI-ID-DOC-INPUT-TYPE', reading.inputType),
      ...(reading.manualInputReason !== undefined ? [local('NIHDI-ID-DOC-MANUAL-INPUT-JUSTIFICATION', reading.manualInputReason)] : []),
      ...(reading.vignetteReason !== undefined ? [local('NIHDI-ID-DOC-VIGNETTE-USE-JUSTIFICATION', reading.vignetteReason)] : []),
      local('NIHDI-ID-DOC-MEDIA-TYPE', reading.mediaType),
    ]),
    ...(reading.serialNumber !== undefined ? [kmehr('content', {}, [kmehr('text', { L: 'en' }, [reading.serialNumber])])] : []),
  ];
}

/** The patient's DMG holder (kmehr `gmdmanager`, eFact record 50 zone 49), when the act's fee depends on it. */
function gmdManager(nihii11: string): ElementSpec[] {
  return [itemCd('gmdmanager'), kmehr('content', {}, [kmehr('hcparty', {}, [hcpartyId(nihii11), cdHcparty('persphysician')])])];
}

/** The physician in training who performed the act that their supervisor attests (kmehr `internship`). */
function internship(trainee: CareProvider): ElementSpec[] {
  return [mycarenetItemCd('internship'), kmehr('content', {}, [providerHcparty(trainee)])];
}

function cgd(attestation: Attestation, act: AttestationAct, number: number, fields: KmehrEnvelopeFields): ElementSpec {
  const items: ElementSpec[][] = [claimItem(act), [itemCd('encounterdatetime'), kmehr('content', {}, [kmehr('date', {}, [act.serviceDate])])]];
  // Every reference sends each act's patientpaid; a lone act without its own amount carries the total.
  const paid = act.amountPaidCents ?? (attestation.acts.length === 1 ? attestation.patientPaidCents : undefined);
  if (paid !== undefined) items.push([mycarenetItemCd('patientpaid'), cost(paid)]);
  if (act.supplementCents !== undefined && act.supplementCents > 0) items.push([mycarenetItemCd('supplement'), cost(act.supplementCents)]);
  if (act.decisionReference !== undefined) {
    items.push([mycarenetItemCd('decisionreference'), kmehr('content', {}, [kmehr('id', { S: 'LOCAL', SV: SV.local, SL: 'OAreferencesystemname' }, [act.decisionReference])])]);
  }
  if (act.placeNihii !== undefined) items.push(encounterLocation({ ...act, placeNihii: act.placeNihii }));
  if (act.prescriberNihii !== undefined || act.prescriberNorm !== undefined) items.push(requestor(act));
  if (act.dmgHolderNihii !== undefined) items.push(gmdManager(act.dmgHolderNihii));
  if (fields.supervisor !== undefined) items.push(internship(fields.provider));
  if (attestation.identityReading !== undefined) items.push(documentIdentity(attestation.identityReading));
  return transaction(number, 'cgd', fields, items, careAuthor(attestation, fields));
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
  return sendTransactionRequest(fields, [
    patient(attestation.patient.ssin, attestation.patient.firstName, attestation.patient.lastName),
    cga(attestation, fields),
    ...attestation.acts.map((act, index) => cgd(attestation, act, index + 2, fields)),
  ]);
}

/** The kmehr of a cancellation: one cgacancellation naming the acknowledgement number and the reason. */
export function cancellationKmehr(fields: KmehrEnvelopeFields, cancellation: { patientSsin: string; acknowledgementNumber: string; reason: string }): Uint8Array {
  return sendTransactionRequest(fields, [
    patient(cancellation.patientSsin),
    transaction(1, 'cgacancellation', fields, [
      [
        mycarenetItemCd('invoicingnumber'),
        kmehr('content', {}, [kmehr('text', { L: 'en' }, [cancellation.acknowledgementNumber])]),
        kmehr('content', {}, [local('NIHDI-CANCELLATION-REASON', cancellation.reason)]),
      ],
    ]),
  ]);
}
