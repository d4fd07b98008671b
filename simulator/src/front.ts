import type { Profession } from '../../src/shared/domain/profession.js';
import type { X509Certificate } from 'node:crypto';
import { assertionChecker } from './assertion-check.js';
import { unsealWithOpenssl, type UnsealKey, type Unsealed } from './cms.js';
import { checkIssuedBy, Unauthenticated, verifyHolderOfKeyEnvelope } from './wss.js';
import { SAML_NS, elementsNS, text } from './xml.js';

/**
 * The common MyCareNet front: every service call is checked here before any business handler
 * sees it. The caller must present a current token from our STS, sign Body and Timestamp with
 * the key that token confirms, and seal what it encrypts for MyCareNet's key.
 */

export interface FrontConfig {
  ca: X509Certificate;
  caFile: string;
  stsCertificate: X509Certificate;
  mycarenetKey: UnsealKey;
  now: () => Date;
}

/** The attribute whose "true" in the token says the caller's profession. */
const PROFESSION_FLAGS: readonly (readonly [Profession, string])[] = [
  ['doctor', 'urn:be:fgov:person:ssin:doctor:boolean'],
  ['dentist', 'urn:be:fgov:person:ssin:ehealth:1.0:professional:dentist:boolean'],
  ['nurse', 'urn:be:fgov:person:ssin:nurse:boolean'],
  ['physiotherapist', 'urn:be:fgov:person:ssin:ehealth:1.0:professional:physiotherapist:boolean'],
  ['midwife', 'urn:be:fgov:person:ssin:ehealth:1.0:professional:midwife:boolean'],
  ['speechTherapist', 'urn:be:fgov:person:ssin:ehealth:1.0:professional:logopedist:boolean'],
  ['guardPost', 'urn:be:fgov:ehealth:1.0:guardpost:nihii-number:recognisedguardpost:boolean'],
];

export interface Caller {
  holder: X509Certificate;
  /** A person's SSIN; a guard post (an organisation) has none. */
  ssin?: string;
  nihii11: string;
  profession: Profession;
  body: Element;
}

export function checkCaller(xml: string, document: Document, config: FrontConfig): Caller {
  const now = config.now();
  const { assertion, holder, body } = verifyHolderOfKeyEnvelope(xml, document, assertionChecker(config.stsCertificate, config.now), now);
  checkIssuedBy(holder, config.ca, now);
  const attributes = new Map<string, string>();
  for (const attribute of elementsNS(assertion, SAML_NS, 'Attribute')) {
    attributes.set(attribute.getAttribute('AttributeName') ?? '', text(elementsNS(attribute, SAML_NS, 'AttributeValue')[0]));
  }
  const ssin = attributes.get('urn:be:fgov:person:ssin');
  const profession = PROFESSION_FLAGS.find(([, flag]) => attributes.get(flag) === 'true')?.[0];
  const nihii11 = [...attributes.entries()].find(([name]) => name.endsWith(':nihii11'))?.[1] ?? '';
  // A person is named by their SSIN; a guard post by its NIHII alone.
  const identified = profession === 'guardPost' ? ssin === undefined : /^\d{11}$/.test(ssin ?? '');
  if (profession === undefined || !/^\d{11}$/.test(nihii11) || !identified) throw new Unauthenticated('the token does not identify a care provider');
  return { holder, ...(ssin !== undefined ? { ssin } : {}), nihii11, profession, body };
}

/** Opens a blob sealed for MyCareNet; it must have been sealed by the caller itself. */
export async function unsealFromCaller(sealed: Buffer, caller: Caller, config: FrontConfig): Promise<Unsealed> {
  const unsealed = await unsealWithOpenssl(sealed, config.mycarenetKey, config.caFile);
  if (unsealed.signer.fingerprint256 !== caller.holder.fingerprint256) throw new Unauthenticated('the blob was sealed by someone else than the caller');
  return unsealed;
}
