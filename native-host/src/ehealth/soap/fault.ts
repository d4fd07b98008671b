import { AppError, type ErrorCode } from '../../../../src/shared/errors.js';
import { childElements, descendants, firstChild, textOf } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';

/**
 * SOAP faults with the eHealth SOA error detail (PROTOCOL §2.7): `SOA-xxxxx` codes become our
 * typed errors; the code and the platform's English message are kept in the details for support.
 */
const SOA_CODES: Readonly<Record<string, ErrorCode>> = {
  'SOA-01001': 'CERTIFICATE_REFUSED',
  'SOA-01002': 'MYCARENET_ACCESS_DENIED',
  'SOA-02001': 'MYCARENET_UNAVAILABLE',
  'SOA-02002': 'MYCARENET_UNAVAILABLE',
};

export interface SoapFault {
  faultCode: string;
  faultString: string;
  soaCode?: string;
  soaMessage?: string;
}

export function readSoapFault(envelope: Document): SoapFault | undefined {
  const body = firstChild(envelope.documentElement, NS.soap, 'Body');
  const fault = body === undefined ? undefined : firstChild(body, NS.soap, 'Fault');
  if (fault === undefined) return undefined;
  // faultcode/faultstring are unqualified in SOAP 1.1.
  const child = (name: string) => textOf(unqualifiedChild(fault, name));
  const detailErrors = [...descendants(fault, NS.soaErrors, 'SystemError'), ...descendants(fault, NS.soaErrors, 'BusinessError')];
  const detail = detailErrors[0];
  // Code and Message are unqualified in the errors core schema.
  const soaCode = textOf(detail === undefined ? undefined : unqualifiedChild(detail, 'Code'));
  const soaMessage = textOf(detail === undefined ? undefined : unqualifiedChild(detail, 'Message'));
  return {
    faultCode: (child('faultcode') ?? '').slice(0, 200),
    faultString: (child('faultstring') ?? '').slice(0, 500),
    ...(soaCode !== undefined ? { soaCode: soaCode.slice(0, 40) } : {}),
    ...(soaMessage !== undefined ? { soaMessage: soaMessage.slice(0, 500) } : {}),
  };
}

function unqualifiedChild(parent: Element, localName: string): Element | undefined {
  return childElements(parent).find((element) => element.localName === localName && (element.namespaceURI === null || element.namespaceURI === ''));
}

export function faultError(fault: SoapFault, service: string): AppError {
  const code = (fault.soaCode !== undefined ? SOA_CODES[fault.soaCode] : undefined) ?? 'MYCARENET_FAULT';
  return new AppError(code, `${service} answered with a SOAP fault`, {
    service,
    faultCode: fault.faultCode,
    faultString: fault.faultString,
    soaCode: fault.soaCode ?? null,
    soaMessage: fault.soaMessage ?? null,
  });
}
