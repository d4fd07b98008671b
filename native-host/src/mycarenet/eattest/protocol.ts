/** eAttest v3 on the wire (PROTOCOL §1.2, §8.1): its namespace, SOAP actions and commons version. */
export const ATTEST_NS = 'urn:be:fgov:ehealth:mycarenet:attest:protocol:v3';

export const ATTEST_SOAP_ACTIONS = {
  send: 'urn:be:fgov:ehealth:mycarenet:attest:protocol:v3:SendAttestation',
  cancel: 'urn:be:fgov:ehealth:mycarenet:attest:protocol:v3:CancelAttestation',
} as const;

/** eAttest v3 speaks MyCareNet commons v4. */
export const ATTEST_COMMONS_VERSION = 4;
/** The Detail's MessageVersion the connectors send for eAttest v3. */
export const ATTEST_MESSAGE_VERSION = '3.0';

/** The kmehr request id: `<NIHII11>.<InputReference>` (PROTOCOL §8.2). */
export function kmehrRequestId(nihii11: string, inputReference: string): string {
  return `${nihii11}.${inputReference}`;
}
