import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { childElements, descendants, newDocument, serialize, textOf } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { decodeBase64, detailBlob, readBlob } from '../../native-host/src/mycarenet/commons/blob.js';
import { commonInput } from '../../native-host/src/mycarenet/commons/common-input.js';
import { encryptedKnownContent, readEncryptedKnownContent } from '../../native-host/src/mycarenet/commons/encrypted-known-content.js';
import { INPUT_REFERENCE, newInputReference, RecentReferences } from '../../native-host/src/mycarenet/commons/input-reference.js';
import { commonsCoreNs, commonsProtocolNs } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { routing } from '../../native-host/src/mycarenet/commons/routing.js';
import { readSendResponse } from '../../native-host/src/mycarenet/commons/send-response.js';
import { DEVELOPMENT_PACKAGE, isTestEnvironment, softwarePackageFor } from '../../native-host/src/mycarenet/commons/software-package.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import type { ElementSpec } from '../../native-host/src/ehealth/xml/dom.js';

const provider = { nihii11: '19900104004', ssin: '78031412403', profession: 'doctor' as const };

function element(spec: ElementSpec): Element {
  return parseXml(serialize(newDocument(spec))).documentElement;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? 'not an AppError';
  }
  return 'no error';
}

describe('CommonInput', () => {
  for (const version of [2, 3, 4] as const) {
    it(`puts the element in the protocol namespace and its content in the core namespace (v${version})`, () => {
      const built = element(commonInput({ version, isTest: true, inputReference: '20260101120000000001', softwarePackage: DEVELOPMENT_PACKAGE, provider }));
      expect(built.namespaceURI).toBe(commonsProtocolNs(version));
      expect(childElements(built).map((child) => `${child.namespaceURI ?? ''}|${child.localName}`)).toEqual(
        ['Request', 'Origin', 'InputReference'].map((name) => `${commonsCoreNs(version)}|${name}`),
      );
      const core = commonsCoreNs(version);
      expect(textOf(descendants(built, core, 'IsTest')[0])).toBe('true');
      expect(descendants(built, core, 'Quality').map((quality) => textOf(quality))).toEqual(['doctor', 'doctor']);
      expect(descendants(built, core, 'Value').map((value) => textOf(value))).toEqual([provider.nihii11, provider.nihii11]);
      expect(textOf(descendants(built, core, 'Ssin')[0])).toBe(provider.ssin);
      expect(textOf(descendants(built, core, 'Username')[0])).toBe(DEVELOPMENT_PACKAGE.licenceUsername);
    });
  }

  it('carries attemptNbr in v4 only', () => {
    const built = element(commonInput({ version: 4, isTest: false, inputReference: 'R1', softwarePackage: DEVELOPMENT_PACKAGE, provider, attemptNbr: 2 }));
    const attribute = descendants(built, commonsCoreNs(4), 'Attribute')[0];
    expect(attribute?.getAttribute('Key')).toBe('urn:be:cin:nippin:attemptNbr');
    expect(textOf(descendants(built, commonsCoreNs(4), 'IsTest')[0])).toBe('false');
    expect(textOf(attribute === undefined ? undefined : childElements(attribute)[0])).toBe('2');
    expect(codeOf(() => commonInput({ version: 3, isTest: true, inputReference: 'R1', softwarePackage: DEVELOPMENT_PACKAGE, provider, attemptNbr: 1 }))).toBe('INTERNAL');
    expect(codeOf(() => commonInput({ version: 4, isTest: true, inputReference: 'R1', softwarePackage: DEVELOPMENT_PACKAGE, provider, attemptNbr: 0 }))).toBe('INTERNAL');
  });

  it('refuses references and identifiers MyCareNet would not take', () => {
    expect(codeOf(() => commonInput({ version: 3, isTest: true, inputReference: 'a b<', softwarePackage: DEVELOPMENT_PACKAGE, provider }))).toBe('INTERNAL');
    expect(codeOf(() => commonInput({ version: 3, isTest: true, inputReference: 'R', softwarePackage: DEVELOPMENT_PACKAGE, provider: { ...provider, nihii11: '123' } }))).toBe('INTERNAL');
  });

  it('makes unique input references of 14 digits, the Belgian time to the centisecond, as every reference does', () => {
    const recent = new RecentReferences();
    const references = new Set(Array.from({ length: 50 }, () => recent.next(new Date('2026-03-04T05:06:07.120Z'))));
    expect(references.size).toBe(50);
    for (const reference of references) expect(reference).toMatch(/^260304060607\d{2}$/);
    expect([...references][0]).toBe('26030406060712');
    expect(INPUT_REFERENCE.test([...references][0] ?? '')).toBe(true);
    expect(newInputReference(new Date('2026-03-04T05:06:07.120Z'), new Set(['26030406060712']))).toBe('26030406060713');
  });
});

describe('software package and IsTest', () => {
  it('uses the development licence with the simulator only', () => {
    expect(softwarePackageFor(hostConfigSchema.parse({}))).toEqual(DEVELOPMENT_PACKAGE);
    expect(codeOf(() => softwarePackageFor(hostConfigSchema.parse({ environment: 'acceptance' })))).toBe('HOST_MISCONFIGURED');
    const configured = hostConfigSchema.parse({ environment: 'production', mycarenet: { packageName: 'p', licenceUsername: 'u', licencePassword: 'w' } });
    expect(softwarePackageFor(configured)).toEqual({ name: 'p', licenceUsername: 'u', licencePassword: 'w' });
  });

  it('is a test everywhere but in production', () => {
    expect(isTestEnvironment(hostConfigSchema.parse({}))).toBe(true);
    expect(isTestEnvironment(hostConfigSchema.parse({ environment: 'acceptance' }))).toBe(true);
    expect(isTestEnvironment(hostConfigSchema.parse({ environment: 'production' }))).toBe(false);
  });
});

describe('Routing', () => {
  it('names the patient and the date, and "rcam" for JSIS patients', () => {
    const built = element(routing({ version: 4, ssin: '85041213359', referenceDate: '2026-03-04', mutuality: 'rcam' }));
    const core = commonsCoreNs(4);
    expect(childElements(built).map((child) => child.localName)).toEqual(['CareReceiver', 'ReferenceDate']);
    expect(childElements(descendants(built, core, 'CareReceiver')[0] as Element).map((child) => `${child.localName}=${textOf(child) ?? ''}`)).toEqual(['Ssin=85041213359', 'Mutuality=rcam']);
    expect(codeOf(() => routing({ version: 2, ssin: '85041213358', referenceDate: '2026-03-04' }))).toBe('INTERNAL');
  });
});

describe('Detail blobs', () => {
  it('writes text/xml without compression, encrypted only where the version allows it', () => {
    const built = element(detailBlob({ version: 3, id: '_a1', content: Buffer.from('<x/>'), encryptedForKnownBED: true }));
    expect([built.getAttribute('ContentType'), built.getAttribute('ContentEncoding'), built.getAttribute('ContentEncryption'), built.getAttribute('Id')]).toEqual(['text/xml', 'none', 'encryptedForKnownBED', '_a1']);
    expect(Buffer.from(textOf(built) ?? '', 'base64').toString()).toBe('<x/>');
    expect(codeOf(() => detailBlob({ version: 2, id: '_a1', content: Buffer.from('x'), encryptedForKnownBED: true }))).toBe('INTERNAL');
    expect(codeOf(() => detailBlob({ version: 3, id: '1 bad', content: Buffer.from('x'), encryptedForKnownBED: false }))).toBe('INTERNAL');
  });

  const blob = (attrs: string, content: string) => parseXml(`<Detail xmlns="urn:x" ${attrs}>${content}</Detail>`).documentElement;

  it('reads plain and deflated answers (the schema default encoding is deflate)', () => {
    expect(readBlob(blob('ContentType="text/xml" ContentEncoding="none"', Buffer.from('<a/>').toString('base64')), 'test').content.toString()).toBe('<a/>');
    expect(readBlob(blob('ContentType="text/xml"', deflateSync(Buffer.from('<b/>')).toString('base64')), 'test').content.toString()).toBe('<b/>');
  });

  it('refuses hostile blobs: not base64, a deflate bomb, an unknown encoding, no content type', () => {
    expect(codeOf(() => readBlob(blob('ContentType="text/xml" ContentEncoding="none"', 'not base64!'), 'test'))).toBe('MYCARENET_BAD_ANSWER');
    const bomb = deflateSync(Buffer.alloc(50 * 1024 * 1024)).toString('base64');
    expect(codeOf(() => readBlob(blob('ContentType="text/xml" ContentEncoding="deflate"', bomb), 'test'))).toBe('MYCARENET_BAD_ANSWER');
    expect(codeOf(() => readBlob(blob('ContentType="text/xml" ContentEncoding="gzip"', 'AAAA'), 'test'))).toBe('MYCARENET_BAD_ANSWER');
    expect(codeOf(() => readBlob(blob('ContentEncoding="none"', 'AAAA'), 'test'))).toBe('MYCARENET_BAD_ANSWER');
    expect(codeOf(() => decodeBase64('A'.repeat(4000), 'test', 100))).toBe('MYCARENET_BAD_ANSWER');
  });
});

describe('EncryptedKnownContent', () => {
  it('round-trips Reply-to-Etk, BusinessContent with its id, and XAdES', () => {
    const bytes = encryptedKnownContent({ replyToEtk: Buffer.from([1, 2, 3]), businessContent: Buffer.from('<q/>'), id: '_b1', xades: '<ds:Signature/>' });
    const read = readEncryptedKnownContent(bytes, 'test');
    expect(read.id).toBe('_b1');
    expect(Buffer.from(read.businessContent).toString()).toBe('<q/>');
    expect([...(read.replyToEtk ?? [])]).toEqual([1, 2, 3]);
    expect(read.xades).toBe('<ds:Signature/>');
  });

  it('refuses unexpected shapes', () => {
    const ns = 'xmlns="urn:be:cin:encrypted"';
    const cases = [
      `<EncryptedKnownContent ${ns}/>`,
      `<EncryptedKnownContent ${ns}><BusinessContent>AAAA</BusinessContent><BusinessContent>AAAA</BusinessContent></EncryptedKnownContent>`,
      `<EncryptedKnownContent ${ns}><BusinessContent>AAAA</BusinessContent><Extra/></EncryptedKnownContent>`,
      `<EncryptedKnownContent ${ns}><BusinessContent ContentEncoding="deflate">AAAA</BusinessContent></EncryptedKnownContent>`,
      `<Other ${ns}/>`,
      '<!DOCTYPE x [<!ENTITY a "b">]><EncryptedKnownContent xmlns="urn:be:cin:encrypted"/>',
      'not xml',
    ];
    for (const xml of cases) expect(codeOf(() => readEncryptedKnownContent(Buffer.from(xml), 'test')), xml).toBe('MYCARENET_BAD_ANSWER');
  });
});

describe('SendResponse', () => {
  const soap = (inner: string) => parseXml(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`);
  const expected = { service: 'memberdata', version: 3 as const, rootNs: 'urn:r', rootName: 'Resp' };
  const p = 'urn:be:fgov:ehealth:mycarenet:commons:protocol:v3';
  const c = 'urn:be:fgov:ehealth:mycarenet:commons:core:v3';

  it('reads CommonOutput and hands over Detail', () => {
    const read = readSendResponse(
      soap(`<r:Resp xmlns:r="urn:r" xmlns:p="${p}" xmlns:c="${c}" Id="_1" InResponseTo="_0"><p:Return><p:CommonOutput><c:InputReference>R1</c:InputReference><c:NIPReference>N</c:NIPReference></p:CommonOutput><p:Detail ContentType="text/xml">AAAA</p:Detail></p:Return></r:Resp>`),
      expected,
    );
    expect(read).toMatchObject({ id: '_1', inResponseTo: '_0', inputReference: 'R1', nipReference: 'N' });
    expect(read.detail.localName).toBe('Detail');
  });

  it('refuses other roots, two bodies, a missing Detail or extra elements', () => {
    const cases = [
      `<r:Other xmlns:r="urn:r" Id="_1"/>`,
      `<r:Resp xmlns:r="urn:r" Id="_1"/><r:Resp xmlns:r="urn:r" Id="_2"/>`,
      `<r:Resp xmlns:r="urn:r" xmlns:p="${p}" Id="_1"><p:Return><p:CommonOutput/></p:Return></r:Resp>`,
      `<r:Resp xmlns:r="urn:r" xmlns:p="${p}" Id="_1"><p:Return><p:CommonOutput/><p:Detail ContentType="x">AAAA</p:Detail><p:Evil/></p:Return></r:Resp>`,
      `<r:Resp xmlns:r="urn:r" xmlns:p="${p}"><p:Return><p:CommonOutput/><p:Detail ContentType="x">AAAA</p:Detail></p:Return></r:Resp>`,
    ];
    for (const inner of cases) expect(codeOf(() => readSendResponse(soap(inner), expected)), inner).toBe('MYCARENET_BAD_ANSWER');
  });
});
