import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoapTransport } from '../../native-host/src/ehealth/soap/transport.js';
import { MAX_XML_DEPTH } from '../../native-host/src/ehealth/xml/parse.js';
import { AppError } from '../../src/shared/errors.js';
import { ensureTestPki } from '../../simulator/pki/test-pki.js';

/**
 * Finding 10 (XML depth): a 2.8 MB answer of nested elements took the parser 5.5 s and ~1 GB.
 * Served here over real HTTPS (the test PKI's TLS certificate) to the host's SOAP transport, it is
 * refused as a typed MYCARENET_BAD_ANSWER before any DOM is built.
 */

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP answer whose body holds `levels` nested elements: 7 bytes a level. */
function nestedAnswer(levels: number): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_NS}"><soapenv:Body>${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}</soapenv:Body></soapenv:Envelope>`;
}

describe('an XML answer nested beyond the limit', () => {
  let server: Server;
  let url: string;
  let answer = '';
  let caCert = '';

  beforeAll(async () => {
    const pki = await ensureTestPki();
    caCert = readFileSync(pki.tls.caCert, 'utf8');
    server = createServer({ cert: readFileSync(pki.tls.cert), key: readFileSync(pki.tls.key) }, (request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        response.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/sts`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const call = async (): Promise<unknown> => {
    const transport = new SoapTransport({ tlsCa: caCert });
    try {
      return await transport.call({ url, action: 'urn:test', envelope: '<x/>', service: 'sts' });
    } catch (error) {
      return error;
    } finally {
      transport.close();
    }
  };

  it('refuses the 2.8 MB nested answer of the review with MYCARENET_BAD_ANSWER', async () => {
    answer = nestedAnswer(400_000);
    expect(Buffer.byteLength(answer)).toBeGreaterThan(2_800_000);
    const error = await call();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'MYCARENET_BAD_ANSWER', details: { service: 'sts', reason: `XML nested deeper than ${MAX_XML_DEPTH} elements` } });
  });

  it('still reads an answer nested up to the limit', async () => {
    // Envelope and Body are two levels.
    answer = nestedAnswer(MAX_XML_DEPTH - 2);
    const read = await call();
    expect(read).not.toBeInstanceOf(Error);
    expect((read as { document: Document }).document.documentElement.localName).toBe('Envelope');
  });
});
