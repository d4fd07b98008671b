import { describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, nestingExceeds, parseXml, XmlRejected } from '../../native-host/src/ehealth/xml/parse.js';
import { readSoapFault, faultError } from '../../native-host/src/ehealth/soap/fault.js';

describe('parseXml (untrusted XML)', () => {
  it('parses a namespaced document', () => {
    const document = parseXml('<a:root xmlns:a="urn:a"><a:child>x &amp; y</a:child></a:root>');
    expect(document.documentElement.namespaceURI).toBe('urn:a');
    expect(document.documentElement.textContent).toBe('x & y');
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>'],
    ['an external entity', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'],
    ['a lower-case doctype', '<!doctype r><r/>'],
    ['malformed XML', '<r><unclosed></r>'],
    ['an undeclared prefix', '<p:r/>'],
    ['an empty text', ''],
  ])('refuses %s', (_what, text) => {
    expect(() => parseXml(text)).toThrow(XmlRejected);
  });

  it('refuses a document over the size limit before parsing it', () => {
    expect(() => parseXml(`<r>${'x'.repeat(2000)}</r>`, 1000)).toThrow(/larger than 1000 bytes/);
  });
});

describe('XML nesting limit', () => {
  const nested = (depth: number, inner = ''): string => `${'<e>'.repeat(depth)}${inner}${'</e>'.repeat(depth)}`;

  it(`parses ${MAX_XML_DEPTH} nested elements and refuses ${MAX_XML_DEPTH + 1}, before building a DOM`, () => {
    expect(parseXml(nested(MAX_XML_DEPTH)).documentElement.localName).toBe('e');
    expect(() => parseXml(nested(MAX_XML_DEPTH + 1))).toThrow(new XmlRejected(`XML nested deeper than ${MAX_XML_DEPTH} elements`));
  });

  it('counts elements, not siblings, empty elements, comments, CDATA, processing instructions or quoted ">"', () => {
    const wide = `<r>${'<e a="x>y" b=\'/>\'/><f><!-- <g><g><g> --><![CDATA[<h><h><h>]]><?pi <i><i> ?></f>'.repeat(50)}</r>`;
    expect(nestingExceeds(wide, 2)).toBe(false);
    expect(nestingExceeds(wide, 1)).toBe(true);
    expect(parseXml(`<?xml version="1.0"?>${wide}`).documentElement.localName).toBe('r');
  });

  it('counts depth exactly in the presence of text, attributes and namespaces', () => {
    const text = '<a:r xmlns:a="urn:a"><a:b x="1">t<c/>u<d y=\'2\'>v</d></a:b></a:r>';
    expect(nestingExceeds(text, 3)).toBe(false);
    expect(nestingExceeds(text, 2)).toBe(true);
  });

  it('leaves unterminated markup to the parser, which refuses it', () => {
    for (const text of ['<r><e a="unterminated', '<r><!-- no end', '<r><![CDATA[ no end', '<r><e']) {
      expect(nestingExceeds(text, MAX_XML_DEPTH)).toBe(false);
      expect(() => parseXml(text)).toThrow(XmlRejected);
    }
  });
});

describe('SOAP faults', () => {
  const fault = (code: string) =>
    parseXml(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>${code}</faultstring><detail><soa:SystemError xmlns:soa="urn:be:fgov:ehealth:errors:soa:v1" Id="x"><Origin>Consumer</Origin><Code>${code}</Code><Message xml:lang="en">some text</Message><soa:Environment>Test</soa:Environment></soa:SystemError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
    );

  it.each([
    ['SOA-01001', 'CERTIFICATE_REFUSED'],
    ['SOA-01002', 'MYCARENET_ACCESS_DENIED'],
    ['SOA-02001', 'MYCARENET_UNAVAILABLE'],
    ['SOA-02002', 'MYCARENET_UNAVAILABLE'],
    ['SOA-03006', 'MYCARENET_FAULT'],
  ])('maps %s to %s with the platform text in the details', (soaCode, code) => {
    const read = readSoapFault(fault(soaCode));
    expect(read).toEqual({ faultCode: 'soapenv:Client', faultString: soaCode, soaCode, soaMessage: 'some text' });
    const error = faultError(read ?? { faultCode: '', faultString: '' }, 'sts');
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ service: 'sts', soaCode });
  });

  it('reads no fault from a normal answer', () => {
    expect(readSoapFault(parseXml('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>'))).toBeUndefined();
  });
});
