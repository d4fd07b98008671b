import { randomUUID } from 'node:crypto';
import { SOAP_NS, soapEnvelope, tag } from './xml.js';

/** SOAP faults in the eHealth platform's shape (SOA error detail, errors schema soa v1). */

const SOA_NS = 'urn:be:fgov:ehealth:errors:soa:v1';

export interface SoaFault {
  code: string;
  message: string;
  /** SystemError (platform) or BusinessError (the request itself). */
  kind: 'SystemError' | 'BusinessError';
  /** soapenv:Client or soapenv:Server. */
  side: 'Client' | 'Server';
  httpStatus: number;
}

export const FAULTS = {
  undefinedError: { code: 'SOA-00001', message: 'Undefined error', kind: 'SystemError', side: 'Server', httpStatus: 500 },
  unauthenticated: { code: 'SOA-01001', message: 'Consumer could not be authenticated', kind: 'SystemError', side: 'Client', httpStatus: 500 },
  unauthorized: { code: 'SOA-01002', message: 'Consumer is not authorized to access this service', kind: 'SystemError', side: 'Client', httpStatus: 500 },
  unavailable: { code: 'SOA-02001', message: 'Service not available. Please contact your service desk', kind: 'SystemError', side: 'Server', httpStatus: 503 },
  temporarilyUnavailable: { code: 'SOA-02002', message: 'Service temporarily not available. Please try later', kind: 'SystemError', side: 'Server', httpStatus: 503 },
  malformed: { code: 'SOA-03001', message: 'Malformed message', kind: 'SystemError', side: 'Client', httpStatus: 500 },
  notSchemaConform: { code: 'SOA-03006', message: 'Message not conform to the XSD', kind: 'SystemError', side: 'Client', httpStatus: 500 },
  invalidContent: { code: 'SOA-03007', message: 'Message content validation failed', kind: 'BusinessError', side: 'Client', httpStatus: 500 },
} as const satisfies Record<string, SoaFault>;

export function soapFault(fault: SoaFault, detail?: string): string {
  return soapEnvelope((document) => {
    const error = tag(
      document,
      SOA_NS,
      `soa:${fault.kind}`,
      { Id: `SOA-${randomUUID()}` },
      tag(document, '', 'Origin', {}, fault.side === 'Client' ? 'Consumer' : 'Server'),
      tag(document, '', 'Code', {}, fault.code),
      tag(document, '', 'Message', { 'xml:lang': 'en' }, detail === undefined ? fault.message : `${fault.message}: ${detail}`),
      tag(document, SOA_NS, 'soa:Environment', {}, 'Test'),
    );
    return tag(
      document,
      SOAP_NS,
      'soapenv:Fault',
      {},
      tag(document, '', 'faultcode', {}, `soapenv:${fault.side}`),
      tag(document, '', 'faultstring', {}, fault.code),
      tag(document, '', 'detail', {}, error),
    );
  });
}
