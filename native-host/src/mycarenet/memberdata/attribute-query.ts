import { AppError } from '../../../../src/shared/errors.js';
import { isValidSsin } from '../../../../src/shared/domain/identifiers.js';
import type { ContactType, MemberSubject } from '../../../../src/shared/domain/insurability.js';
import { declareNamespace, newDocument, serialize, type ElementSpec } from '../../ehealth/xml/dom.js';
import { isoInstant } from '../commons/send-request.js';
import { MCN_NS } from '../commons/namespaces.js';
import { subjectNameId } from './attribute-names.js';

/**
 * The MemberData business content (PROTOCOL §6.1): a SAML 2.0 AttributeQuery for one patient (by
 * SSIN, or by registration number at a mutuality) and one day, with the facets asked for. No saml:Attribute is ever put in the query (the
 * platform refuses them), the Issuer is our NIHII and the ID is derived from the InputReference,
 * which MyCareNet cross-checks.
 */

export const FACETS = {
  insurability: 'urn:be:cin:nippin:insurability',
  globalMedicalFile: 'urn:be:cin:nippin:globalMedicalFile',
} as const;

export const NIHII11_ISSUER_FORMAT = 'urn:be:cin:nippin:nihii11';
export const MEMBER_IDENTIFICATION = 'urn:be:cin:nippin:memberIdentification';

export type MemberDataFacet = { kind: 'insurability'; contactType: ContactType } | { kind: 'globalMedicalFile' };

export interface AttributeQueryFields {
  inputReference: string;
  issuerNihii11: string;
  patient: MemberSubject;
  /** The day of care, YYYY-MM-DD (Belgian calendar). */
  date: string;
  facets: readonly MemberDataFacet[];
  now: Date;
}

/** The AttributeQuery ID for an InputReference (the platform's CROSSCHECK_ID). */
export function attributeQueryId(inputReference: string): string {
  return `_${inputReference}`;
}

export function attributeQuery(fields: AttributeQueryFields): Uint8Array {
  if ('ssin' in fields.patient && !isValidSsin(fields.patient.ssin)) throw new AppError('INTERNAL', 'The AttributeQuery needs a valid SSIN.');
  const nameId = subjectNameId(fields.patient);
  if (!/^\d{11}$/.test(fields.issuerNihii11)) throw new AppError('INTERNAL', 'The AttributeQuery issuer is an 11-digit NIHII.');
  if (fields.facets.length === 0 || new Set(fields.facets.map((facet) => facet.kind)).size !== fields.facets.length) {
    throw new AppError('INTERNAL', 'The AttributeQuery needs distinct facets.');
  }
  const saml = (name: string, attrs: Record<string, string> = {}, children: ElementSpec['children'] = []): ElementSpec => ({ ns: MCN_NS.saml2, name: `saml:${name}`, attrs, children });
  const document = newDocument({
    ns: MCN_NS.saml2p,
    name: 'samlp:AttributeQuery',
    attrs: { ID: attributeQueryId(fields.inputReference), Version: '2.0', IssueInstant: isoInstant(fields.now) },
    children: [
      saml('Issuer', { Format: NIHII11_ISSUER_FORMAT }, [fields.issuerNihii11]),
      { ns: MCN_NS.saml2p, name: 'samlp:Extensions', nsAttrs: [[MCN_NS.xsi, 'xsi:type', 'ext:ExtensionsType']], children: fields.facets.map(facetElement) },
      saml('Subject', {}, [
        saml('NameID', { Format: nameId.format }, [nameId.value]),
        saml('SubjectConfirmation', { Method: MEMBER_IDENTIFICATION }, [
          saml('SubjectConfirmationData', { NotBefore: startOfBrusselsDay(fields.date), NotOnOrAfter: startOfBrusselsDay(nextDay(fields.date)) }),
        ]),
      ]),
    ],
  });
  const root = document.documentElement;
  declareNamespace(root, 'samlp', MCN_NS.saml2p);
  declareNamespace(root, 'saml', MCN_NS.saml2);
  declareNamespace(root, 'ext', MCN_NS.memberDataExtension);
  declareNamespace(root, 'xsi', MCN_NS.xsi);
  return Buffer.from(serialize(document), 'utf8');
}

function facetElement(facet: MemberDataFacet): ElementSpec {
  // Dimension is unqualified in the CIN extension schema.
  const dimension = (id: string, value: string): ElementSpec => ({ ns: '', name: 'Dimension', attrs: { id }, children: [value] });
  const children = facet.kind === 'insurability' ? [dimension('requestType', 'information'), dimension('contactType', facet.contactType)] : [];
  return { ns: MCN_NS.memberDataExtension, name: 'ext:Facet', attrs: { id: FACETS[facet.kind] }, children };
}

function nextDay(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

const brusselsOffset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', timeZoneName: 'longOffset' });

/** Midnight of a Belgian calendar day as an xs:dateTime with Brussels' offset that day (+01:00 or +02:00). */
export function startOfBrusselsDay(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new AppError('INTERNAL', 'A day must be YYYY-MM-DD.');
  // At noon UTC the Brussels offset is that of the whole day (changes happen at night).
  const zone = brusselsOffset.formatToParts(new Date(`${date}T12:00:00Z`)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const offset = /^GMT([+-]\d{2}:\d{2})$/.exec(zone)?.[1] ?? '+01:00';
  return `${date}T00:00:00${offset}`;
}
