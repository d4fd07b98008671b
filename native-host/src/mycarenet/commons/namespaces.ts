/** XML namespaces of the MyCareNet business messages (PROTOCOL §2, §6, §7, §8). */

/** The MyCareNet commons versions: Tarification speaks v2, MemberData v3, eAttest v3 (the service) v4. */
export type CommonsVersion = 2 | 3 | 4;

/** Where the types live: CommonInput's and Routing's children, CommonOutput's children. */
export function commonsCoreNs(version: CommonsVersion): string {
  return `urn:be:fgov:ehealth:mycarenet:commons:core:v${version}`;
}

/** Where SendRequestType declares its elements: CommonInput, Routing, Detail, Xades, Return. */
export function commonsProtocolNs(version: CommonsVersion): string {
  return `urn:be:fgov:ehealth:mycarenet:commons:protocol:v${version}`;
}

export const MCN_NS = {
  memberData: 'urn:be:fgov:ehealth:mycarenet:memberdata:protocol:v1',
  tarification: 'urn:be:fgov:ehealth:mycarenet:tarification:protocol:v1',
  encrypted: 'urn:be:cin:encrypted',
  saml2: 'urn:oasis:names:tc:SAML:2.0:assertion',
  saml2p: 'urn:oasis:names:tc:SAML:2.0:protocol',
  memberDataExtension: 'urn:be:cin:nippin:memberdata:saml:extension',
  cinTypes: 'urn:be:cin:types:v1',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  msProtocol: 'http://www.ehealth.fgov.be/messageservices/protocol/v1',
  msCore: 'http://www.ehealth.fgov.be/messageservices/core/v1',
  kmehr: 'http://www.ehealth.fgov.be/standards/kmehr/schema/v1',
} as const;

export const SOAP_ACTIONS = {
  memberData: 'urn:be:fgov:ehealth:mycarenet:memberdata:protocol:v1:MemberDataConsultation',
  tarification: 'urn:be:fgov:ehealth:mycarenet:tarification:protocol:v1:TarificationConsult',
} as const;
