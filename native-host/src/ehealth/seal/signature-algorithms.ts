import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../../../src/shared/errors.js';
import { algorithmIdentifier, NULL } from './der-writer.js';
import { OID } from './oids.js';

/**
 * Signature and digest algorithms of CMS SignerInfos: what we sign with (RSA → sha256WithRSA,
 * EC → ecdsa-with-SHA256, DER-encoded ECDSA value) and what we accept when verifying
 * (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA; SHA-256/384/512).
 */

export type HashName = 'sha256' | 'sha384' | 'sha512';

const HASH_BY_OID: Readonly<Record<string, HashName>> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

export function digestAlgorithmHash(algorithm: pkijs.AlgorithmIdentifier): HashName {
  const hash = HASH_BY_OID[algorithm.algorithmId];
  if (hash === undefined) throw new Error('unsupported digest algorithm');
  return hash;
}

export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  return crypto.createHash(hash).update(data).digest();
}

export interface SigningScheme {
  hash: HashName;
  /** DER of the digest AlgorithmIdentifier (SHA-256, parameters absent). */
  digestAlgorithm: Uint8Array;
  /** DER of the signature AlgorithmIdentifier. */
  signatureAlgorithm: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

const SHA256_ALGORITHM = algorithmIdentifier(OID.sha256);
const SHA256_WITH_RSA_ALGORITHM = algorithmIdentifier(OID.sha256WithRsa, NULL);
const ECDSA_WITH_SHA256_ALGORITHM = algorithmIdentifier(OID.ecdsaWithSha256);

/**
 * How we sign with `privateKey`. Throws KEY_TYPE_UNSUPPORTED for anything but RSA and EC.
 * EC keys sign with ecdsa-with-SHA256 on every curve, P-384 included, as ETEE does
 * (`SealActiveConfig.ECSignatureAlgorithm`) and as the connector's XML signatures do.
 */
export function signingScheme(privateKey: crypto.KeyObject): SigningScheme {
  switch (privateKey.asymmetricKeyType) {
    case 'rsa':
      return {
        hash: 'sha256',
        digestAlgorithm: SHA256_ALGORITHM,
        signatureAlgorithm: SHA256_WITH_RSA_ALGORITHM,
        sign: (data) => crypto.sign('sha256', data, { key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }),
      };
    case 'ec':
      return {
        hash: 'sha256',
        digestAlgorithm: SHA256_ALGORITHM,
        signatureAlgorithm: ECDSA_WITH_SHA256_ALGORITHM,
        sign: (data) => crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }),
      };
    default:
      throw new AppError('KEY_TYPE_UNSUPPORTED', 'The signing key must be an RSA or EC key.', {
        keyType: privateKey.asymmetricKeyType ?? 'unknown',
      });
  }
}

const RSA_PKCS1_BY_OID: Readonly<Record<string, HashName>> = {
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
};

const ECDSA_BY_OID: Readonly<Record<string, HashName>> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

interface PssParameters {
  hash: HashName;
  saltLength: number;
}

function pssParameters(algorithm: pkijs.AlgorithmIdentifier): PssParameters {
  const params: unknown = algorithm.algorithmParams;
  if (!(params instanceof asn1js.Sequence)) throw new Error('RSASSA-PSS without parameters');
  // Absent fields take the RFC 4055 defaults (SHA-1), which we then refuse.
  const pss = new pkijs.RSASSAPSSParams({ schema: params });
  const hash = digestAlgorithmHash(pss.hashAlgorithm);
  const mgfParams: unknown = pss.maskGenAlgorithm.algorithmParams;
  if (pss.maskGenAlgorithm.algorithmId !== OID.mgf1 || !(mgfParams instanceof asn1js.Sequence)) throw new Error('unsupported PSS mask');
  if (digestAlgorithmHash(new pkijs.AlgorithmIdentifier({ schema: mgfParams })) !== hash) throw new Error('PSS MGF1 hash differs');
  if (pss.trailerField !== 1 || pss.saltLength < 0 || pss.saltLength > 512) throw new Error('unsupported PSS parameters');
  return { hash, saltLength: pss.saltLength };
}

/**
 * Verifies `signature` over `data` with the signer's public key, as the SignerInfo's algorithms
 * say. `digestAlgorithm` gives the hash when the signature algorithm is a bare key algorithm
 * (rsaEncryption, id-ecPublicKey), as OpenSSL writes for RSA.
 */
export function verifySignature(
  signatureAlgorithm: pkijs.AlgorithmIdentifier,
  digestAlgorithm: pkijs.AlgorithmIdentifier,
  publicKey: crypto.KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const id = signatureAlgorithm.algorithmId;
  const keyType = publicKey.asymmetricKeyType;
  const rsaHash = id === OID.rsaEncryption ? digestAlgorithmHash(digestAlgorithm) : RSA_PKCS1_BY_OID[id];
  if (rsaHash !== undefined) {
    if (keyType !== 'rsa') return false;
    return crypto.verify(rsaHash, data, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
  }
  if (id === OID.rsassaPss) {
    if (keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
    const { hash, saltLength } = pssParameters(signatureAlgorithm);
    return crypto.verify(hash, data, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
  }
  const ecHash = id === OID.ecPublicKey ? digestAlgorithmHash(digestAlgorithm) : ECDSA_BY_OID[id];
  if (ecHash !== undefined) {
    if (keyType !== 'ec') return false;
    return crypto.verify(ecHash, data, { key: publicKey, dsaEncoding: 'der' }, signature);
  }
  throw new Error('unsupported signature algorithm');
}
