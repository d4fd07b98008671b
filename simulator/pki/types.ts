/** The shapes of the test PKI (re-exported by test-pki.ts, the public entry point). */

export type { Profession } from '../../src/shared/domain/profession.js';
import type { Profession } from '../../src/shared/domain/profession.js';

export interface ClinicianIdentity {
  id: string;
  /** A person's profession (a guard post is an organisation: GuardPostIdentity). */
  profession: Exclude<Profession, 'guardPost'>;
  ssin: string;
  nihii11: string;
  givenName: string;
  surname: string;
  /** The authentication (signing) key's type; the encryption key (ETK) has the same unless `encryptionKeyType` says otherwise. */
  keyType: 'rsa' | 'ec';
  /** The encryption key's type when it differs from the authentication key's. */
  encryptionKeyType?: 'rsa' | 'ec';
}

/**
 * A guard post (poste de garde / wachtpost): an organisation with an eHealth certificate of its
 * own, named by its NIHII number (no SSIN), whose eAttests name the physician on duty.
 */
export interface GuardPostIdentity {
  id: string;
  profession: 'guardPost';
  /** The organisation's NIHII number (8 digits), in its certificate subject. */
  nihii: string;
  /** The same, padded to 11 digits as the platform certifies it and kmehr names it. */
  nihii11: string;
  name: string;
  keyType: 'rsa';
}

/** The key material of any certificate holder: keystores, certificates, keys, ETK. */
export type KeyMaterial = Omit<ClinicianMaterial, 'identity'>;

export interface GuardPostMaterial extends KeyMaterial {
  identity: GuardPostIdentity;
}

export interface ClinicianMaterial {
  identity: ClinicianIdentity;
  /** Path: 3DES keys, RC2-40 certificates, SHA-1 MAC (as older eHealth keystores). */
  legacyKeystore: string;
  /** Path: AES-256/PBKDF2 keys and certificates, SHA-256 MAC. */
  modernKeystore: string;
  /** The keystores' password (the same for both). */
  password: string;
  /** Path of a file holding the password only (mode 0600, no newline). */
  passwordFile: string;
  /** PEM paths of the authentication certificate and key (alias "authentication" in the keystores). */
  authCert: string;
  authKey: string;
  /** PEM paths of the encryption certificate and key (alias = decimal serial of encCert). */
  encCert: string;
  encKey: string;
  /** Decimal serial number of encCert: the keystore alias of the encryption key. */
  encAlias: string;
  /** Path of the DER ETK: CMS SignedData (signed with the authentication key) around encCert's DER. */
  etk: string;
  /** ISO validity of authCert. */
  notBefore: string;
  notAfter: string;
}

/** PEM paths. */
export interface ServiceMaterial {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The test eHealth CA (trusted by the simulator). */
  caCert: string;
  caKey: string;
  /** Another CA, trusted by nobody. */
  untrustedCaCert: string;
  clinicians: {
    doctorRsa: ClinicianMaterial;
    dentistRsa: ClinicianMaterial;
    doctorEc: ClinicianMaterial;
    /** An EC P-384 authentication key with an RSA encryption key (ETK): what a 2025 keystore may hold (README, "EC certificates"). */
    doctorEcRsaEtk: ClinicianMaterial;
    physiotherapist: ClinicianMaterial;
    nurse: ClinicianMaterial;
    midwife: ClinicianMaterial;
    speechTherapist: ClinicianMaterial;
    /** A GP in training (NIHII qualification 005 [I]), whose eAttests name a supervising GP. */
    traineeDoctor: ClinicianMaterial;
  };
  /** A guard post's organisation certificate (`OU=NIHII-GUARDPOST=…`), its keystores and ETK. */
  guardPost: GuardPostMaterial;
  /** Issued by the test CA; its validity ended yesterday. */
  expiredDoctor: ClinicianMaterial;
  /** Issued by the untrusted CA. */
  untrustedDoctor: ClinicianMaterial;
  mycarenet: { cbe: string; auth: ServiceMaterial; enc: ServiceMaterial; encAlias: string; etk: string };
  /** The STS signing key/cert (issued by the test CA). */
  sts: ServiceMaterial;
  /** The time-stamping authority of the insurers' XAdES-T (RFC 3161, `openssl ts`), issued by the test CA. */
  tsa: ServiceMaterial;
  /** Simulator HTTPS server cert for localhost/127.0.0.1, issued by the test CA. */
  tls: ServiceMaterial & { caCert: string };
}
