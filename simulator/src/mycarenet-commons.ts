import { randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { brusselsIsoTime } from '../../src/shared/domain/calendar.js';
import type { Caller } from './front.js';
import { FAULTS, type SoaFault } from './soap-fault.js';
import { childrenNS, tag, text } from './xml.js';

/**
 * The MyCareNet commons envelope as the platform reads it (PROTOCOL §2.2–§2.5): the request root,
 * CommonInput (licence, care provider = the authenticated caller), Routing and the Detail blob.
 * What the platform would refuse at this level becomes a SOAP fault with its SOA code.
 */

export class ServiceFault extends Error {
  override readonly name = 'ServiceFault';
  constructor(
    readonly fault: SoaFault,
    message: string,
  ) {
    super(message);
  }
}

/** The licences MyCareNet issued (here: the development licence of the companion). */
export const KNOWN_LICENCES: readonly { username: string; password: string }[] = [{ username: 'eattest-companion-dev', password: 'simulator-only' }];
const INVALID_LICENCE: SoaFault = { code: 'INVALID_LICENSE', message: 'Invalid licence or password', kind: 'BusinessError', side: 'Client', httpStatus: 500 };
const MAX_BLOB_BYTES = 2 * 1024 * 1024;

export type CommonsVersion = 2 | 3 | 4;
export const coreNs = (version: CommonsVersion) => `urn:be:fgov:ehealth:mycarenet:commons:core:v${version}`;
export const protocolNs = (version: CommonsVersion) => `urn:be:fgov:ehealth:mycarenet:commons:protocol:v${version}`;

export interface CommonsRequest {
  id: string;
  inputReference: string;
  attemptNbr?: number;
  routing?: { ssin: string; mutuality?: string; referenceDate: string };
  detail: { contentType: string; contentEncryption?: string; id?: string; messageVersion?: string; content: Buffer };
  hasXades: boolean;
}

const malformed = (message: string) => new ServiceFault(FAULTS.notSchemaConform, message);

function only(parent: Element, ns: string, local: string): Element {
  const found = childrenNS(parent, ns, local);
  if (found.length !== 1 || found[0] === undefined) throw malformed(`expected one ${local} in ${parent.localName}`);
  return found[0];
}

function optionalOne(parent: Element, ns: string, local: string): Element | undefined {
  const found = childrenNS(parent, ns, local);
  if (found.length > 1) throw malformed(`more than one ${local} in ${parent.localName}`);
  return found[0];
}

function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
}

export function readCommonsRequest(body: Element, expected: { ns: string; name: string; version: CommonsVersion }, caller: Caller): CommonsRequest {
  const roots = elementChildren(body);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined || root.namespaceURI !== expected.ns || root.localName !== expected.name) throw malformed(`the body must hold one ${expected.name}`);
  const id = root.getAttribute('Id') ?? '';
  if (!/^[A-Za-z_][\w.-]*$/.test(id) || Number.isNaN(Date.parse(root.getAttribute('IssueInstant') ?? ''))) throw malformed('Id and IssueInstant are required');
  const protocol = protocolNs(expected.version);
  const core = coreNs(expected.version);
  const order = elementChildren(root).map((child) => (child.namespaceURI === protocol ? child.localName : `{${child.namespaceURI ?? ''}}${child.localName}`));
  if (!/^CommonInput,(Routing,)?Detail(,Xades)?$/.test(order.join(','))) throw malformed(`unexpected request content: ${order.join(',').slice(0, 100)}`);

  const commonInput = only(root, protocol, 'CommonInput');
  const isTest = text(only(only(commonInput, core, 'Request'), core, 'IsTest'));
  if (isTest !== 'true' && isTest !== 'false') throw malformed('IsTest is a boolean');
  if (isTest !== 'true') throw new ServiceFault(FAULTS.invalidContent, 'a production message (IsTest false) was sent to a test platform');
  const origin = only(commonInput, core, 'Origin');
  const licence = only(only(origin, core, 'Package'), core, 'License');
  const username = text(only(licence, core, 'Username'));
  const password = text(only(licence, core, 'Password'));
  if (!KNOWN_LICENCES.some((known) => known.username === username && known.password === password)) throw new ServiceFault(INVALID_LICENCE, 'unknown software licence');
  const provider = only(origin, core, 'CareProvider');
  const nihii = only(provider, core, 'Nihii');
  const quality = text(only(nihii, core, 'Quality'));
  const nihiiValue = text(only(nihii, core, 'Value'));
  // A person is declared with their SSIN (PhysicalPerson), a guard post as an Organization with its NIHII (quality "guardpost").
  const organisation = caller.profession === 'guardPost';
  const holder = only(provider, core, organisation ? 'Organization' : 'PhysicalPerson');
  const holderSsin = organisation ? undefined : text(only(holder, core, 'Ssin'));
  const holderNihii = optionalOne(holder, core, 'Nihii');
  const expectedQuality = organisation ? 'guardpost' : caller.profession;
  // The declared care provider must be the authenticated one (the token's NIHII, profession and SSIN).
  if (quality !== expectedQuality || nihiiValue !== caller.nihii11 || holderSsin !== caller.ssin || (holderNihii !== undefined && text(only(holderNihii, core, 'Value')) !== caller.nihii11)) {
    throw new ServiceFault(FAULTS.unauthorized, 'the care provider in CommonInput is not the authenticated one');
  }
  const inputReference = text(optionalOne(commonInput, core, 'InputReference'));
  if (!/^[\w.-]{1,40}$/.test(inputReference)) throw new ServiceFault(FAULTS.invalidContent, 'InputReference is required (at most 40 characters)');
  let attemptNbr: number | undefined;
  for (const attribute of childrenNS(commonInput, core, 'Attribute')) {
    if (expected.version !== 4) throw malformed('Attribute exists in commons v4 only');
    if (attribute.getAttribute('Key') === 'urn:be:cin:nippin:attemptNbr') {
      attemptNbr = Number(text(only(attribute, core, 'Value')));
      if (!Number.isInteger(attemptNbr) || attemptNbr < 1) throw new ServiceFault(FAULTS.invalidContent, 'attemptNbr must be a positive integer');
    }
  }

  const routingElement = optionalOne(root, protocol, 'Routing');
  let routing: CommonsRequest['routing'];
  if (routingElement !== undefined) {
    const receiver = only(routingElement, core, 'CareReceiver');
    const mutuality = optionalOne(receiver, core, 'Mutuality');
    const referenceDate = text(only(routingElement, core, 'ReferenceDate'));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) throw malformed('ReferenceDate is an xs:date');
    routing = { ssin: text(only(receiver, core, 'Ssin')), referenceDate, ...(mutuality !== undefined ? { mutuality: text(mutuality) } : {}) };
  }

  const detailElement = only(root, protocol, 'Detail');
  const contentType = detailElement.getAttribute('ContentType') ?? '';
  if (contentType === '') throw malformed('Detail needs a ContentType');
  const encoding = detailElement.getAttribute('ContentEncoding') ?? 'deflate';
  const encoded = text(detailElement).replace(/\s+/g, '');
  if (encoded.length > (MAX_BLOB_BYTES * 4) / 3 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) throw malformed('Detail is not base64 (or too large)');
  let content = Buffer.from(encoded, 'base64');
  if (encoding === 'deflate') content = inflateSync(content, { maxOutputLength: MAX_BLOB_BYTES });
  else if (encoding !== 'none') throw new ServiceFault(FAULTS.invalidContent, 'unknown ContentEncoding');
  const encryption = detailElement.getAttribute('ContentEncryption');
  const blobId = detailElement.getAttribute('Id');
  const messageVersion = detailElement.getAttribute('MessageVersion');
  return {
    id,
    inputReference,
    ...(attemptNbr !== undefined ? { attemptNbr } : {}),
    ...(routing !== undefined ? { routing } : {}),
    detail: { contentType, content, ...(encryption !== null && encryption !== '' ? { contentEncryption: encryption } : {}), ...(blobId !== null && blobId !== '' ? { id: blobId } : {}), ...(messageVersion !== null && messageVersion !== '' ? { messageVersion } : {}) },
    hasXades: childrenNS(root, protocol, 'Xades').length > 0,
  };
}

export interface CommonsAnswer {
  ns: string;
  qname: string;
  version: CommonsVersion;
  request: CommonsRequest;
  content: Buffer;
  /** Sealed for the caller (the Detail says so). */
  encrypted: boolean;
}

/** The SendResponseType answer: Return/CommonOutput (our references) and Detail. */
export function commonsAnswer(document: Document, answer: CommonsAnswer): Element {
  const protocol = protocolNs(answer.version);
  const core = coreNs(answer.version);
  const reference = randomUUID().replace(/-/g, '').slice(0, 20);
  return tag(
    document,
    answer.ns,
    answer.qname,
    { Id: `_${randomUUID()}`, InResponseTo: answer.request.id, IssueInstant: brusselsIsoTime(new Date(), 6) },
    tag(
      document,
      protocol,
      'p:Return',
      {},
      tag(
        document,
        protocol,
        'p:CommonOutput',
        {},
        tag(document, core, 'c:InputReference', {}, answer.request.inputReference),
        tag(document, core, 'c:NIPReference', {}, `NIP${reference}`),
        tag(document, core, 'c:OutputReference', {}, `OUT${reference}`),
      ),
      tag(
        document,
        protocol,
        'p:Detail',
        { ContentType: 'text/xml', ContentEncoding: 'none', ...(answer.encrypted ? { ContentEncryption: 'encryptedForKnownBED' } : {}), Id: `_${randomUUID()}` },
        answer.content.toString('base64'),
      ),
    ),
  );
}
