import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainsToAnchor } from '../../native-host/src/ehealth/trust/certificate-path.js';
import { verifyInsurerSignature, type InsurerSignature } from '../../native-host/src/mycarenet/eattest/insurer-signature.js';
import { signXadesT, type KeyFiles } from '../../simulator/src/eattest/xades-t.js';
import { attestOutcomeSchema, cancelOutcomeSchema } from '../../src/shared/domain/receipt.js';
import { AppError } from '../../src/shared/errors.js';
import { testPki, type TestPki } from '../support/openssl-keys.js';

/**
 * The insurer's XAdES-T on an eAttest answer, judged in two tiers (insurer-signature.ts): an
 * answer that is not intact, or not signed by an organisation, is refused; an intact one whose
 * signer or time-stamp cannot be traced to the trust store is accepted as `unverified`, with the
 * reasons. The signatures are made as the simulator makes them (xmlsec1 and `openssl ts`), with
 * certificates of a throw-away CA and of a second CA the verifier does not know.
 */

const ANSWER = { id: '_answer', content: Buffer.from('<a xmlns="urn:answer"><number>500-1-260212-5960827-60</number></a>'), isXml: true };
const REQUEST = { id: '_request', content: Buffer.from('<r xmlns="urn:request">kmehr</r>'), isXml: true };
const MYCARENET_SUBJECT = '/C=BE/O=Federal Government/OU=eHealth-platform Belgium/OU=MYCARENET/OU=CBE=0820563481/CN=CBE=0820563481, MYCARENET';
const EXTENSIONS = [
  '[signer]',
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment',
  'extendedKeyUsage = clientAuth, emailProtection',
  '[tsa]',
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature, nonRepudiation',
  'extendedKeyUsage = critical, timeStamping',
  '',
].join('\n');

let pki: TestPki;
let anchors: X509Certificate[];
const keys = {} as Record<'insurer' | 'tsa' | 'unknownInsurer' | 'unknownTsa' | 'clinician' | 'unnamed', KeyFiles>;

/** An RSA key and a certificate with `subject`, issued by `ca` (its files without extension in the PKI folder). */
async function issue(name: string, subject: string, ca: 'ca' | 'unknown-ca', extensions: 'signer' | 'tsa'): Promise<KeyFiles> {
  await pki.openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  await pki.openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', `0x${Date.now().toString(16)}${name.length}`, '-days', '2', '-sha256', '-extfile', 'answer.cnf', '-extensions', extensions, '-out', `${name}.pem`]);
  return { certFile: pki.path(`${name}.pem`), keyFile: pki.path(`${name}.key`) };
}

beforeAll(async () => {
  pki = await testPki();
  writeFileSync(pki.path('answer.cnf'), EXTENSIONS);
  await pki.openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'unknown-ca.key', '-out', 'unknown-ca.pem', '-days', '3',
    '-subj', '/C=BE/O=Unknown/CN=Unknown CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const [insurer, tsa, unknownInsurer, unknownTsa, unnamed] = await Promise.all([
    issue('insurer', MYCARENET_SUBJECT, 'ca', 'signer'),
    issue('tsa', '/C=BE/O=eAttest tests/CN=Test TSA', 'ca', 'tsa'),
    issue('unknown-insurer', MYCARENET_SUBJECT, 'unknown-ca', 'signer'),
    issue('unknown-tsa', '/C=BE/O=Unknown/CN=Unknown TSA', 'unknown-ca', 'tsa'),
    issue('unnamed', '/C=BE/O=Some Company/CN=not an insurer', 'ca', 'signer'),
  ]);
  // The openssl-keys end entities are personal certificates (OU=SSIN=…) of the trusted CA: a clinician's.
  Object.assign(keys, { insurer, tsa, unknownInsurer, unknownTsa, unnamed, clinician: { certFile: pki.rsa.certPath, keyFile: pki.rsa.keyPath } });
  anchors = [new X509Certificate(readFileSync(pki.path('ca.pem')))];
}, 120_000);
afterAll(() => pki.cleanup());

function signed(signer: KeyFiles = keys.insurer, tsa: KeyFiles = keys.tsa): Promise<string> {
  return signXadesT([ANSWER, REQUEST], signer, tsa, new Date());
}

function verify(signatureXml: string, options: { content?: Buffer; now?: Date; trusted?: X509Certificate[] } = {}): InsurerSignature {
  return verifyInsurerSignature({
    signatureXml,
    content: { ...ANSWER, content: options.content ?? ANSWER.content },
    requestContent: REQUEST,
    anchors: options.trusted ?? anchors,
    now: options.now ?? new Date(),
  });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'MYCARENET_BAD_ANSWER') return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

const token = (xml: string): string => /<xades:EncapsulatedTimeStamp>([^<]+)</.exec(xml)?.[1] ?? '';

describe('an intact insurer signature', () => {
  it('traced to the trust store, signer and time-stamp, is verified', async () => {
    const result = verify(await signed());
    expect(result.check).toEqual({ status: 'verified' });
    expect(result.timeStampedAt).toBeInstanceOf(Date);
    expect(result.signer.subject).toContain('CBE=0820563481');
  });

  it('by a certificate of a CA the trust store does not hold is accepted as unverified: signer-untrusted', async () => {
    const result = verify(await signed(keys.unknownInsurer));
    expect(result.check).toEqual({ status: 'unverified', reasons: ['signer-untrusted'] });
    // The same signature is verified by a verifier whose trust store holds that CA.
    expect(verify(await signed(keys.unknownInsurer), { trusted: [...anchors, new X509Certificate(readFileSync(pki.path('unknown-ca.pem')))] }).check.status).toBe('verified');
  });

  it('time-stamped by an authority the trust store does not know: timestamp-authority-untrusted', async () => {
    expect(verify(await signed(keys.insurer, keys.unknownTsa)).check).toEqual({ status: 'unverified', reasons: ['timestamp-authority-untrusted'] });
  });

  it('whose time-stamp cannot be judged (unreadable, over another signature, missing) is unverified with that reason', async () => {
    const [signature, other] = await Promise.all([signed(), signed()]);
    expect(verify(signature.replace(token(signature), token(other))).check).toEqual({ status: 'unverified', reasons: ['timestamp-not-over-signature'] });
    expect(verify(signature.replace(token(signature), Buffer.from('not a time-stamp token at all').toString('base64'))).check).toEqual({ status: 'unverified', reasons: ['timestamp-unreadable'] });
    expect(verify(signature.replace(/<xades:UnsignedProperties>.*<\/xades:UnsignedProperties>/s, '')).check).toEqual({ status: 'unverified', reasons: ['timestamp-missing'] });
  });

  it('judged long after the signer expired: valid when time-stamped, expired without a time-stamp', async () => {
    const signature = await signed();
    const later = new Date(Date.now() + 30 * 86_400_000);
    // The time-stamp proves the signature was made while the certificate was valid...
    expect(verify(signature, { now: later }).check).toEqual({ status: 'verified' });
    // ...without it, only "now" is known.
    expect(verify(signature.replace(/<xades:UnsignedProperties>.*<\/xades:UnsignedProperties>/s, ''), { now: later }).check).toEqual({
      status: 'unverified',
      reasons: ['timestamp-missing', 'signer-expired'],
    });
  });
});

describe('an answer that is not intact, or not signed by the insurer, is refused', () => {
  it('the answer altered after signing (digest mismatch), even under a trusted signer', async () => {
    const signature = await signed();
    expect(refusal(() => verify(signature, { content: Buffer.from(ANSWER.content.toString().replace('-60<', '-61<')) }))).toMatch(/digest does not match/);
  });

  it('the answer altered and signed by an unknown CA: refused, not merely unverified', async () => {
    const signature = await signed(keys.unknownInsurer);
    expect(refusal(() => verify(signature, { content: Buffer.from(ANSWER.content.toString().replace('-60<', '-61<')) }))).toMatch(/digest does not match/);
  });

  it('a clinician’s certificate of the trusted CA (SSIN in the subject) is not the insurer', async () => {
    const signature = await signed(keys.clinician);
    expect(refusal(() => verify(signature))).toMatch(/personal certificate/);
  });

  it('an organisation certificate not named by a CBE number, or a time-stamping authority’s, is not the insurer', async () => {
    const [unnamed, byTsa] = await Promise.all([signed(keys.unnamed), signed(keys.tsa)]);
    expect(refusal(() => verify(unnamed))).toMatch(/CBE number/);
    expect(refusal(() => verify(byTsa))).toMatch(/time-stamping certificate/);
  });
});

describe('chainsToAnchor', () => {
  it('follows an intermediate the message carries, and tells an expired path from none', () => {
    const ca = anchors[0];
    const insurer = new X509Certificate(readFileSync(keys.insurer.certFile));
    const unknownCa = new X509Certificate(readFileSync(pki.path('unknown-ca.pem')));
    const unknownInsurer = new X509Certificate(readFileSync(keys.unknownInsurer.certFile));
    if (ca === undefined) throw new Error('no anchor');
    expect(chainsToAnchor(insurer, [], [ca], new Date())).toBe('trusted');
    expect(chainsToAnchor(insurer, [], [unknownCa], new Date())).toBe('untrusted');
    expect(chainsToAnchor(insurer, [], [ca], new Date(Date.now() + 30 * 86_400_000))).toBe('expired');
    // A pinned end certificate is its own anchor.
    expect(chainsToAnchor(unknownInsurer, [], [unknownInsurer], new Date())).toBe('trusted');
    // An intermediate that is not a CA certificate is no link.
    expect(chainsToAnchor(unknownInsurer, [insurer], [ca], new Date())).toBe('untrusted');
  });
});

describe('the check as it crosses to the extension', () => {
  const cancelled = { outcome: 'cancelled', acknowledgementNumber: '100-1-261125-0000001-45', reason: 'C', cancelledAt: '2026-11-25T10:00:00.000+01:00' };
  it('is optional (older hosts) and typed: known reasons only, at least one when unverified', () => {
    expect(cancelOutcomeSchema.safeParse(cancelled).success).toBe(true);
    expect(cancelOutcomeSchema.safeParse({ ...cancelled, signatureCheck: { status: 'unverified', reasons: ['signer-untrusted'] } }).success).toBe(true);
    expect(cancelOutcomeSchema.safeParse({ ...cancelled, signatureCheck: { status: 'unverified', reasons: [] } }).success).toBe(false);
    expect(cancelOutcomeSchema.safeParse({ ...cancelled, signatureCheck: { status: 'unverified', reasons: ['looks fine to me'] } }).success).toBe(false);
    expect(cancelOutcomeSchema.safeParse({ ...cancelled, signatureCheck: { status: 'verified', reasons: ['signer-untrusted'] } }).success).toBe(false);
    // A refusal is shown as such whatever the signature: it carries no check.
    const refused = { outcome: 'refused', inputReference: '26112509000000', attemptNbr: 1, consultationKey: 'a'.repeat(64), refusals: [{ code: '169' }] };
    expect(attestOutcomeSchema.safeParse(refused).success).toBe(true);
    expect(attestOutcomeSchema.safeParse({ ...refused, signatureCheck: { status: 'verified' } }).success).toBe(false);
  });
});
