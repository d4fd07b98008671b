import { AppError } from '../../../../src/shared/errors.js';
import { childElements, firstChild, textOf } from '../../ehealth/xml/dom.js';
import { NS } from '../../ehealth/xml/namespaces.js';
import { commonsCoreNs, commonsProtocolNs, type CommonsVersion } from './namespaces.js';

/**
 * The commons SendResponseType (PROTOCOL §2.2) inside a SOAP answer: exactly one expected root in
 * the Body, one Return with CommonOutput and Detail. The Detail element is handed over unread; what
 * it holds is the service's business.
 */
export interface SendResponse {
  id: string;
  inResponseTo?: string;
  inputReference?: string;
  nipReference?: string;
  outputReference?: string;
  detail: Element;
  xadesT?: string;
}

export interface ExpectedResponse {
  service: string;
  version: CommonsVersion;
  /** The response root, e.g. MemberDataConsultationResponse in the memberdata namespace. */
  rootNs: string;
  rootName: string;
}

type OptionalField = keyof Omit<SendResponse, 'id' | 'detail'>;

export function readSendResponse(envelope: Document, expected: ExpectedResponse): SendResponse {
  const bad = (message: string) => new AppError('MYCARENET_BAD_ANSWER', `${expected.service} answer: ${message}`, { service: expected.service });
  const body = firstChild(envelope.documentElement, NS.soap, 'Body');
  const roots = body === undefined ? [] : childElements(body);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined || root.namespaceURI !== expected.rootNs || root.localName !== expected.rootName) throw bad(`expected one ${expected.rootName}`);
  const protocol = commonsProtocolNs(expected.version);
  const core = commonsCoreNs(expected.version);
  const returns = childElements(root);
  const returned = returns[0];
  if (returns.length !== 1 || returned === undefined || returned.namespaceURI !== protocol || returned.localName !== 'Return') throw bad('expected one Return');
  const parts = childElements(returned);
  const names = parts.map((part) => (part.namespaceURI === protocol ? part.localName : '?'));
  if (names[0] !== 'CommonOutput' || names[1] !== 'Detail' || names.length > 3 || (names.length === 3 && names[2] !== 'XadesT')) throw bad('Return has an unexpected shape');
  const [commonOutput, detail, xadesT] = parts as [Element, Element, Element | undefined];
  const id = root.getAttribute('Id') ?? '';
  if (id === '') throw bad('the response has no Id');
  const output = (name: string) => textOf(firstChild(commonOutput, core, name))?.slice(0, 100);
  const optional = (name: OptionalField, value: string | null | undefined): Partial<SendResponse> => (value === undefined || value === null || value === '' ? {} : { [name]: value });
  return {
    id,
    detail,
    ...optional('inResponseTo', root.getAttribute('InResponseTo')?.slice(0, 100)),
    ...optional('inputReference', output('InputReference')),
    ...optional('nipReference', output('NIPReference')),
    ...optional('outputReference', output('OutputReference')),
    ...optional('xadesT', xadesT === undefined ? undefined : textOf(xadesT)),
  };
}
