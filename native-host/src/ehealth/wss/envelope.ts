import { randomUUID, type KeyObject, type X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { declareNamespace, firstChild, newDocument, pathFrom, serialize, type ElementSpec } from '../xml/dom.js';
import { NS, WSS_BASE64_ENCODING, WSS_SAML11_TOKEN_TYPE, WSS_SAML_ASSERTION_ID, WSS_X509_TOKEN_TYPE } from '../xml/namespaces.js';
import { appendSignature, asReceiverReadsIt, type SignedPart } from '../xml/signature.js';

/**
 * SOAP 1.1 envelopes with WS-Security headers, the two profiles of PROTOCOL §2.1:
 * X.509 (the STS call: signature over Body, Timestamp and BinarySecurityToken) and SAML
 * holder-of-key (every MyCareNet call: the STS assertion, a signature over Body and Timestamp
 * made with the key the assertion names).
 */

export interface SigningKey {
  key: KeyObject;
  certificate: X509Certificate;
}

const DEFAULT_TIMESTAMP_TTL_SECONDS = 60;

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function timestamp(id: string, now: Date, ttlSeconds: number): ElementSpec {
  return {
    ns: NS.wsu,
    name: 'wsu:Timestamp',
    nsAttrs: [[NS.wsu, 'wsu:Id', id]],
    children: [
      { ns: NS.wsu, name: 'wsu:Created', children: [isoSeconds(now)] },
      { ns: NS.wsu, name: 'wsu:Expires', children: [isoSeconds(new Date(now.getTime() + ttlSeconds * 1000))] },
    ],
  };
}

/** The envelope, ready to be signed: see asReceiverReadsIt. */
function envelope(securityChildren: (ElementSpec | Element)[], bodyId: string, body: ElementSpec | Element): Document {
  const document = newDocument({
    ns: NS.soap,
    name: 'soap:Envelope',
    children: [
      {
        ns: NS.soap,
        name: 'soap:Header',
        children: [{ ns: NS.wsse, name: 'wsse:Security', nsAttrs: [[NS.soap, 'soap:mustUnderstand', '1']], children: securityChildren }],
      },
      { ns: NS.soap, name: 'soap:Body', nsAttrs: [[NS.wsu, 'wsu:Id', bodyId]], children: [body] },
    ],
  });
  const root = document.documentElement;
  declareNamespace(root, 'wsse', NS.wsse);
  declareNamespace(root, 'wsu', NS.wsu);
  return asReceiverReadsIt(document);
}

interface EnvelopeParts {
  security: Element;
  body: SignedPart;
  timestamp: SignedPart;
}

/** The header's wsse:Security and the signed parts every envelope has, by the identifiers it was built with. */
function partsOf(document: Document, bodyId: string, timestampId: string): EnvelopeParts {
  const root = document.documentElement;
  const security = pathFrom(root, [[NS.soap, 'Header'], [NS.wsse, 'Security']]);
  const timestamp = security === undefined ? undefined : firstChild(security, NS.wsu, 'Timestamp');
  const body = firstChild(root, NS.soap, 'Body');
  if (security === undefined || timestamp === undefined || body === undefined) throw new AppError('INTERNAL', 'The SOAP envelope could not be assembled.');
  return { security, body: { element: body, id: bodyId }, timestamp: { element: timestamp, id: timestampId } };
}

/** An envelope for the STS: signed with the identification certificate, which travels as a BinarySecurityToken. */
export function x509SignedEnvelope(body: ElementSpec | Element, signer: SigningKey, now = new Date(), ttlSeconds = DEFAULT_TIMESTAMP_TTL_SECONDS): string {
  const suffix = randomUUID();
  const tokenId = `X509-${suffix}`;
  const document = envelope(
    [
      timestamp(`TS-${suffix}`, now, ttlSeconds),
      {
        ns: NS.wsse,
        name: 'wsse:BinarySecurityToken',
        attrs: { EncodingType: WSS_BASE64_ENCODING, ValueType: WSS_X509_TOKEN_TYPE },
        nsAttrs: [[NS.wsu, 'wsu:Id', tokenId]],
        children: [signer.certificate.raw.toString('base64')],
      },
    ],
    `id-${suffix}`,
    body,
  );
  const { security, body: signedBody, timestamp: signedTimestamp } = partsOf(document, `id-${suffix}`, `TS-${suffix}`);
  const token = firstChild(security, NS.wsse, 'BinarySecurityToken');
  if (token === undefined) throw new AppError('INTERNAL', 'The SOAP envelope could not be assembled.');
  appendSignature(security, [signedBody, signedTimestamp, { element: token, id: tokenId }], signer.key, {
    ns: NS.wsse,
    name: 'wsse:SecurityTokenReference',
    children: [{ ns: NS.wsse, name: 'wsse:Reference', attrs: { URI: `#${tokenId}`, ValueType: WSS_X509_TOKEN_TYPE } }],
  });
  return serialize(document);
}

const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]{0,127}$/;

/**
 * An envelope for MyCareNet: the STS assertion copied verbatim into the header, and a signature
 * over Body and Timestamp by the holder-of-key, pointing at the assertion by its AssertionID.
 */
export function holderOfKeySignedEnvelope(
  body: ElementSpec | Element,
  assertion: Element,
  key: KeyObject,
  now = new Date(),
  ttlSeconds = DEFAULT_TIMESTAMP_TTL_SECONDS,
): string {
  const assertionId = assertion.getAttribute('AssertionID') ?? '';
  // The identifier goes into the KeyInfo we write, so it must be a plain XML name.
  if (!NCNAME.test(assertionId)) throw new Error('the assertion has no usable AssertionID');
  const suffix = randomUUID();
  const document = envelope([assertion, timestamp(`TS-${suffix}`, now, ttlSeconds)], `id-${suffix}`, body);
  const { security, body: signedBody, timestamp: signedTimestamp } = partsOf(document, `id-${suffix}`, `TS-${suffix}`);
  appendSignature(security, [signedBody, signedTimestamp], key, {
    ns: NS.wsse,
    name: 'wsse:SecurityTokenReference',
    // As in the platform's own sample: the token type of the referenced SAML 1.1 assertion on the reference.
    nsAttrs: [[NS.wsse11, 'wsse11:TokenType', WSS_SAML11_TOKEN_TYPE]],
    children: [{ ns: NS.wsse, name: 'wsse:KeyIdentifier', attrs: { ValueType: WSS_SAML_ASSERTION_ID }, children: [assertionId] }],
  });
  return serialize(document);
}

