import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { holderOfKeySignedEnvelope, x509SignedEnvelope } from '../../native-host/src/ehealth/wss/envelope.js';
import type { ElementSpec } from '../../native-host/src/ehealth/xml/dom.js';
import { ensureTestPki } from '../../simulator/pki/test-pki.js';
import { verifyHolderOfKeyEnvelope, verifyX509Envelope } from '../../simulator/src/wss.js';
import { readXml, SAML_NS } from '../../simulator/src/xml.js';

/**
 * The WS-Security signatures the host assembles on its own DOM (native-host/src/ehealth/xml/signature.ts)
 * are checked the way the receiver checks them: the serialized envelope, parsed back and verified
 * by the simulator's checker (xml-crypto). Text that a parser reads back differently (CR, and for
 * xmldom NEL and LS) must still verify.
 */

interface Signer {
  key: KeyObject;
  certificate: X509Certificate;
}

let ca: X509Certificate;
const signers: Record<'rsa' | 'ec', Signer> = {} as Record<'rsa' | 'ec', Signer>;

beforeAll(async () => {
  const pki = await ensureTestPki();
  ca = new X509Certificate(readFileSync(pki.caCert));
  for (const [name, clinician] of [
    ['rsa', pki.clinicians.doctorRsa],
    ['ec', pki.clinicians.doctorEc],
  ] as const) {
    signers[name] = { key: createPrivateKey(readFileSync(clinician.authKey)), certificate: new X509Certificate(readFileSync(clinician.authCert)) };
  }
});

const TEXTS: Record<string, string> = {
  plain: 'a consultation',
  'CR LF and lone CR': 'line one\r\nline two\rline three',
  'NEL and LS': 'one\u0085two\u2028three',
  'markup characters': 'a & b < c > d " \' ]]>',
  'beyond the BMP': 'Ærø 𝔑 ünïcode',
};

function body(text: string): ElementSpec {
  return { ns: 'urn:eattest:test', name: 't:Request', attrs: { note: `${text}\t\n` }, children: [{ ns: 'urn:eattest:test', name: 't:Text', children: [text] }] };
}

function samlAssertion(): Element {
  return readXml(`<saml:Assertion xmlns:saml="${SAML_NS}" AssertionID="assertion-1" MajorVersion="1" MinorVersion="1"/>`).documentElement;
}

describe('WS-Security signatures assembled on the DOM', () => {
  for (const [label, text] of Object.entries(TEXTS)) {
    for (const kind of ['rsa', 'ec'] as const) {
      it(`X.509 (${kind}): verifies with ${label} in the body`, () => {
        const xml = x509SignedEnvelope(body(text), signers[kind]);
        const { certificate } = verifyX509Envelope(xml, readXml(xml), ca, new Date());
        expect(certificate.fingerprint256).toBe(signers[kind].certificate.fingerprint256);
      });
    }

    it(`holder-of-key: verifies with ${label} in the body`, () => {
      const xml = holderOfKeySignedEnvelope(body(text), samlAssertion(), signers.rsa.key);
      const verified = verifyHolderOfKeyEnvelope(xml, readXml(xml), () => ({ holder: signers.rsa.certificate, assertionId: 'assertion-1' }), new Date());
      expect(verified.holder.fingerprint256).toBe(signers.rsa.certificate.fingerprint256);
    });
  }

  it('is refused once the signed body is changed', () => {
    const xml = x509SignedEnvelope(body('a consultation'), signers.rsa).replace('a consultation', 'another consultation');
    expect(() => verifyX509Envelope(xml, readXml(xml), ca, new Date())).toThrow();
  });

  it('is refused when another key signed for the holder', () => {
    const xml = holderOfKeySignedEnvelope(body('a consultation'), samlAssertion(), signers.ec.key);
    expect(() => verifyHolderOfKeyEnvelope(xml, readXml(xml), () => ({ holder: signers.rsa.certificate, assertionId: 'assertion-1' }), new Date())).toThrow();
  });
});
