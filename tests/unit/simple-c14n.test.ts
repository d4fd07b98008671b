import { describe, expect, it } from 'vitest';
import { exclusiveC14n } from '../../native-host/src/ehealth/xades/c14n.js';
import { simpleExclusiveC14n } from '../../native-host/src/ehealth/xades/simple-c14n.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { attributeQuery } from '../../native-host/src/mycarenet/memberdata/attribute-query.js';
import { attestationKmehr, cancellationKmehr } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { tariffRequest } from '../../native-host/src/mycarenet/tarification/tariff-request.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { sampleAttestation } from '../support/attestation-fixture.js';

/**
 * The text-level exclusive canonicalization of the host's own plain XML (simple-c14n.ts) against
 * the DOM one (xmldom + xml-crypto, itself compared with xmlsec1 and xmllint in the conformance
 * tests): on the documents the host signs, and on thousands of mutations of them, the simple one
 * either declines or gives exactly what the DOM one gives — and never accepts what the DOM refuses.
 */

const provider = { nihii11: '19910140004', ssin: '78031412448', profession: 'doctor' as const, givenName: 'Anna', surname: 'Peeters' };
const NOW = new Date('2026-02-12T09:15:30Z');
const TODAY = '2026-02-12';
const attestation: Attestation = sampleAttestation(TODAY, { firstName: 'Zoë "Jo"', lastName: 'O’Brien & <Lambert> > \'x\'' });

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

const hostDocuments: Record<string, string> = {
  attestation: text(attestationKmehr({ provider, reference: '26021210153000', now: NOW }, attestation)),
  cancellation: text(cancellationKmehr({ provider, reference: '26021210153001', now: NOW }, { patientSsin: '85041213359', acknowledgementNumber: '123456789012', reason: 'A' })),
  memberData: text(attributeQuery({ inputReference: '26021210153002', issuerNihii11: provider.nihii11, patient: { ssin: '85041213359' }, date: TODAY, facets: [{ kind: 'insurability', contactType: 'other' }, { kind: 'globalMedicalFile' }], now: NOW })),
  tariffs: text(tariffRequest({ provider, reference: '26021210153003', ssin: '85041213359', date: TODAY, codes: ['101010', '475075'], now: NOW }).xml),
};

/** The DOM canonical form, or undefined where the DOM path refuses the document. */
function domC14n(document: string): string | undefined {
  try {
    return exclusiveC14n(parseXml(document));
  } catch {
    return undefined;
  }
}

describe('simple exclusive c14n', () => {
  it.each(Object.entries(hostDocuments))('canonicalizes the host’s %s document itself, as the DOM does', (_name, document) => {
    const simple = simpleExclusiveC14n(document);
    expect(simple).toBeDefined();
    expect(simple).toBe(domC14n(document));
  });

  it('renders namespaces where used, sorts attributes, expands empty elements, escapes as c14n does', () => {
    const document =
      '<?xml version="1.0" encoding="UTF-8"?>\n<r:root xmlns:r="urn:r" xmlns="urn:d" xmlns:a="urn:a" z="1" b=\'&quot;&apos;&gt;\'>' +
      '<child a:y="2" a:x="&lt;&amp;"/>\n  <r:x>a &gt; b &amp;&amp; c</r:x><inner xmlns="urn:other"><deep/></inner></r:root>\n';
    const expected =
      '<r:root xmlns:r="urn:r" b="&quot;\'>" z="1"><child xmlns="urn:d" xmlns:a="urn:a" a:x="&lt;&amp;" a:y="2"></child>\n  ' +
      '<r:x>a &gt; b &amp;&amp; c</r:x><inner xmlns="urn:other"><deep></deep></inner></r:root>';
    expect(simpleExclusiveC14n(document)).toBe(expected);
    expect(domC14n(document)).toBe(expected);
  });

  it.each([
    ['a comment', '<a><!-- x --></a>'],
    ['a CDATA section', '<a><![CDATA[x]]></a>'],
    ['a character reference', '<a>&#65;</a>'],
    ['a processing instruction', '<a><?p x?></a>'],
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['a carriage return', '<a>x\r\ny</a>'],
    ['a tab in an attribute', '<a b="x\ty"/>'],
    ['xmlns=""', '<a xmlns="urn:a"><b xmlns=""/></a>'],
    ['an xml: attribute', '<a xml:lang="fr"/>'],
    ['attributes of two namespaces on one element', '<a xmlns:p="urn:p" xmlns:q="urn:q" p:x="1" q:y="2"/>'],
    ['an undeclared prefix', '<p:a/>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['text after the root', '<a/>x'],
    ['two roots', '<a/><b/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a non-ASCII name', '<é/>'],
    ['a control character', '<a>\u0001</a>'],
    ['"]]>" in text', '<a>]]></a>'],
    ['nothing', ''],
  ])('declines %s', (_name, document) => {
    expect(simpleExclusiveC14n(document)).toBeUndefined();
  });

  it('on thousands of mutations of the host’s documents, declines or agrees with the DOM, never accepting what the DOM refuses', () => {
    // Deterministic (xorshift32), so a failure can be replayed.
    let state = 0x2545f491;
    const random = (below: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % below;
    };
    const pieces = ['<', '>', '/', '"', "'", '=', '&', ';', ':', ' ', '\n', '\t', '\r', 'a', 'xmlns', 'xmlns:x', 'x:', '&amp;', '&lt;', '&#38;', '<!--', '-->', ']]>', '<?', '?>', '<![CDATA[', '\u00e9', '\u0000', '\ud800', 'xml:lang="x" ', ' p="1"', '/>', '</'];
    const sources = Object.values(hostDocuments);
    let accepted = 0;
    for (let round = 0; round < 3000; round += 1) {
      let document = sources[random(sources.length)] ?? '';
      for (let edit = 1 + random(2); edit > 0; edit -= 1) {
        const at = random(document.length + 1);
        const kind = random(4);
        if (kind === 0) document = document.slice(0, at) + (pieces[random(pieces.length)] ?? '') + document.slice(at);
        else if (kind === 1) document = document.slice(0, at) + document.slice(at + 1 + random(8));
        else if (kind === 2) document = document.slice(0, at) + (pieces[random(pieces.length)] ?? '') + document.slice(at + 1 + random(4));
        else {
          const from = random(document.length);
          document = document.slice(0, at) + document.slice(from, from + random(40)) + document.slice(at);
        }
      }
      const simple = simpleExclusiveC14n(document);
      if (simple === undefined) continue;
      accepted += 1;
      expect({ document, canonical: simple }).toEqual({ document, canonical: domC14n(document) });
    }
    // The mutations must exercise the simple path, not only its refusals.
    expect(accepted).toBeGreaterThan(300);
  }, 30_000);
});
