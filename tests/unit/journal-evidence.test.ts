import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryLine, parseEntryLine } from '../../native-host/src/journal/chain.js';
import { MAX_EVIDENCE_BYTES } from '../../native-host/src/journal/entry.js';
import type { InsurerSignature } from '../../native-host/src/mycarenet/eattest/insurer-signature.js';
import { signatureEvidence } from '../../native-host/src/mycarenet/eattest/signature-evidence.js';
import { testPki, type TestPki } from '../support/openssl-keys.js';
import { EntryChain, sendIntent, sendOutcome } from '../support/journal-records.js';

/**
 * The insurer's signed answer kept as evidence in the journal's outcome entries: bounded, hashed,
 * covered by the entry's hash like everything else, and absent from entries written before it.
 */

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 60_000);
afterAll(() => pki.cleanup());

const signatureXml = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="s">…</ds:Signature>';

function signature(): InsurerSignature {
  return { signer: pki.rsa.certificate, check: { status: 'unverified', reasons: ['signer-untrusted', 'timestamp-authority-untrusted'] } };
}

describe('the insurer signature evidence', () => {
  it('keeps the signature and the content, with their hashes, the check and the signer', () => {
    const evidence = signatureEvidence({ signature: signature(), signatureXml, content: { id: '_answer', content: Buffer.from('<a>500-1-260212-5960827-60</a>'), isXml: true } });
    expect(evidence).toMatchObject({
      check: { status: 'unverified', reasons: ['signer-untrusted', 'timestamp-authority-untrusted'] },
      signer: { subject: expect.stringContaining('OU=SSIN=00000000097, CN=rsa') as unknown, issuer: expect.stringContaining('CN=Test CA') as unknown },
      contentId: '_answer',
    });
    expect(Buffer.from(evidence.signature ?? '', 'base64').toString('utf8')).toBe(signatureXml);
    expect(evidence.signer.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(evidence.contentSha256).toBe(createHash('sha256').update('<a>500-1-260212-5960827-60</a>').digest('hex'));
    expect(evidence.signatureSha256).toBe(createHash('sha256').update(signatureXml).digest('hex'));
  });

  it('keeps only the hash of a part larger than the bound', () => {
    const large = Buffer.alloc(MAX_EVIDENCE_BYTES + 1, 0x61);
    const evidence = signatureEvidence({ signature: signature(), signatureXml, content: { id: '_answer', content: large, isXml: true } });
    expect(evidence.content).toBeUndefined();
    expect(evidence.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(evidence.signature).toBeDefined();
  });

  it('is covered by the entry hash; an entry without it (written before) still reads', () => {
    const chain = new EntryChain(new Date('2026-11-25T09:00:00Z'));
    const intent = chain.add(sendIntent({ inputReference: '26112509000000', careDate: '2026-11-25' }));
    const before = chain.add(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: '100-1-261125-0000001-45' }));
    const evidence = signatureEvidence({ signature: signature(), signatureXml, content: { id: '_answer', content: Buffer.from('<a/>'), isXml: true } });
    const withEvidence = chain.add({ ...sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: '100-1-261125-0000001-45' }), insurerSignature: evidence });

    expect(parseEntryLine(entryLine(before).trimEnd())).toMatchObject({ ok: true });
    const line = entryLine(withEvidence).trimEnd();
    expect(parseEntryLine(line)).toMatchObject({ ok: true, entry: { record: { insurerSignature: { check: { status: 'unverified' } } } } });
    // Changing the recorded verification result (or anything else in the evidence) breaks the entry's hash.
    expect(parseEntryLine(line.replace('"status":"unverified"', '"status":"verified"').replace(/,"reasons":\[[^\]]*\]/, ''))).toMatchObject({ ok: false, reason: expect.stringContaining('hash') as unknown });
  });
});
