import * as crypto from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { certificateDecimalSerial } from '../seal/cert-id.js';
import { declareNamespace, newDocument, pathFrom, serialize, type ElementSpec } from '../xml/dom.js';
import { EXC_C14N, NS, SHA256_DIGEST } from '../xml/namespaces.js';
import { DEFAULT_MAX_XML_BYTES } from '../xml/parse.js';
import { digestBase64, ds, dsReference, signatureValueBase64, xmlSignatureAlgorithm } from '../xml/signature.js';
import { ContentNotXml, contentOctets, contentTransforms, SIGNED_PROPERTIES_TYPE, XADES_NS } from './algorithms.js';
import { exclusiveC14n } from './c14n.js';
import { certificateName } from '../x500-name.js';

/**
 * XAdES-BES (ETSI TS 101 903 v1.3.2) as MyCareNet wants it on requests (PROTOCOL §5.3): a detached
 * XML-DSig signature whose first reference is the business content, carried base64 in an element
 * `Id="<contentId>"` of another document (BusinessContent, Detail), and whose second reference is
 * the XAdES SignedProperties (signing time and signing certificate) inside the signature itself.
 *
 * Everything the verifier recomputes is computed here the same way: the content reference is the
 * exclusive canonical form of the decoded business XML (transforms base64, exc-c14n), and
 * SignedProperties and SignedInfo are canonicalized inside the finished ds:Signature tree, so that
 * their in-scope namespaces are those a verifier sees.
 */

export interface XadesSigner {
  key: crypto.KeyObject;
  certificate: crypto.X509Certificate;
}

export interface XadesBesInput {
  /** The decoded bytes whose base64 is the text of the element `Id="<contentId>"`. */
  content: Uint8Array;
  contentId: string;
  /** True for `text/xml` content: the reference then adds exc-c14n after the base64 transform. */
  contentIsXml: boolean;
  signer: XadesSigner;
  now: Date;
}

/** NCName (ASCII subset, which is what blob and BusinessContent ids are made of). */
const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]{0,127}$/;

/** Returns the ds:Signature element as XML text, with its namespace declarations, no XML declaration. */
export function signXadesBes(input: XadesBesInput): string {
  const { key, certificate } = input.signer;
  const signatureMethod = xmlSignatureAlgorithm(key);
  if (!NCNAME.test(input.contentId)) throw new AppError('INTERNAL', 'The XAdES content id is not an NCName.');
  if (!sameSubjectPublicKey(key, certificate)) throw new AppError('INTERNAL', 'The signing certificate does not belong to the signing key.');
  if (Number.isNaN(input.now.getTime())) throw new AppError('INTERNAL', 'The XAdES signing time is not a valid date.');

  let octets: Uint8Array;
  try {
    octets = contentOctets(input.content, input.contentIsXml, DEFAULT_MAX_XML_BYTES, true);
  } catch (error) {
    if (error instanceof ContentNotXml) throw new AppError('INTERNAL', `The content to sign cannot be canonicalized: ${error.message}.`);
    throw error;
  }

  const signer = signerFields(certificate);
  const signatureId = `xmldsig-${crypto.randomUUID()}`;
  const signedPropertiesId = `${signatureId}-xades-signedprops`;
  const document = newDocument(
    ds('Signature', { Id: signatureId }, [
      ds('SignedInfo', {}, [
        ds('CanonicalizationMethod', { Algorithm: EXC_C14N }),
        ds('SignatureMethod', { Algorithm: signatureMethod }),
        dsReference({ URI: `#${input.contentId}` }, contentTransforms(input.contentIsXml), digestBase64(octets)),
        dsReference({ Type: SIGNED_PROPERTIES_TYPE, URI: `#${signedPropertiesId}` }, [EXC_C14N], ''),
      ]),
      ds('SignatureValue', {}, ['']),
      ds('KeyInfo', {}, [ds('X509Data', {}, [ds('X509Certificate', {}, [signer.base64])])]),
      ds('Object', {}, [
        xades('QualifyingProperties', { Target: `#${signatureId}` }, [
          xades('SignedProperties', { Id: signedPropertiesId }, [
            xades('SignedSignatureProperties', {}, [
              xades('SigningTime', {}, [input.now.toISOString().replace(/\.\d+Z$/, 'Z')]),
              xades('SigningCertificate', {}, [
                xades('Cert', {}, [
                  xades('CertDigest', {}, [
                    ds('DigestMethod', { Algorithm: SHA256_DIGEST }),
                    ds('DigestValue', {}, [signer.digest]),
                  ]),
                  xades('IssuerSerial', {}, [
                    ds('X509IssuerName', {}, [signer.issuerName]),
                    ds('X509SerialNumber', {}, [signer.serial]),
                  ]),
                ]),
              ]),
            ]),
          ]),
        ]),
      ]),
    ]),
  );

  const signature = document.documentElement;
  declareNamespace(signature, 'ds', NS.ds);
  const signedInfo = pathFrom(signature, [[NS.ds, 'SignedInfo']]);
  const qualifyingProperties = pathFrom(signature, [[NS.ds, 'Object'], [XADES_NS, 'QualifyingProperties']]);
  const signedProperties = qualifyingProperties === undefined ? undefined : pathFrom(qualifyingProperties, [[XADES_NS, 'SignedProperties']]);
  const propertiesDigest = signedInfo?.getElementsByTagNameNS(NS.ds, 'DigestValue').item(1);
  const signatureValue = pathFrom(signature, [[NS.ds, 'SignatureValue']]);
  if (
    signedInfo === undefined ||
    qualifyingProperties === undefined ||
    signedProperties === undefined ||
    propertiesDigest === null ||
    propertiesDigest === undefined ||
    signatureValue === undefined
  ) {
    throw new AppError('INTERNAL', 'The XAdES signature could not be assembled.');
  }
  declareNamespace(qualifyingProperties, 'xades', XADES_NS);

  propertiesDigest.textContent = digestBase64(Buffer.from(exclusiveC14n(signedProperties), 'utf8'));
  signatureValue.textContent = signatureValueBase64(key, Buffer.from(exclusiveC14n(signedInfo), 'utf8'));
  return serialize(signature);
}

function xades(name: string, attrs: Record<string, string> = {}, children: ElementSpec['children'] = []): ElementSpec {
  return { ns: XADES_NS, name: `xades:${name}`, attrs, children };
}

interface SignerFields {
  base64: string;
  digest: string;
  issuerName: string;
  serial: string;
}

/** What the signature says of the signing certificate, computed once per certificate (it signs all day). */
const signerFieldsCache = new WeakMap<crypto.X509Certificate, SignerFields>();

function signerFields(certificate: crypto.X509Certificate): SignerFields {
  let fields = signerFieldsCache.get(certificate);
  if (fields === undefined) {
    fields = {
      base64: certificate.raw.toString('base64'),
      digest: digestBase64(certificate.raw),
      issuerName: certificateName(certificate, 'issuer', 'rfc2253'),
      serial: certificateDecimalSerial(certificate),
    };
    signerFieldsCache.set(certificate, fields);
  }
  return fields;
}

/** Key pairs already compared: the host signs with the same key and certificate all day (exporting both cost ~0.6 ms a signature). */
const matchedPairs = new WeakMap<crypto.KeyObject, WeakSet<crypto.X509Certificate>>();

function sameSubjectPublicKey(key: crypto.KeyObject, certificate: crypto.X509Certificate): boolean {
  if (matchedPairs.get(key)?.has(certificate) === true) return true;
  const spki = (publicKey: crypto.KeyObject): Buffer => publicKey.export({ type: 'spki', format: 'der' });
  const same = spki(crypto.createPublicKey(key)).equals(spki(certificate.publicKey));
  if (same) matchedPairs.set(key, (matchedPairs.get(key) ?? new WeakSet()).add(certificate));
  return same;
}
