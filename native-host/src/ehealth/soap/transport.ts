import { Agent, request } from 'node:https';
import { AppError } from '../../../../src/shared/errors.js';
import { parseXml, XmlRejected } from '../xml/parse.js';
import { faultError, readSoapFault } from './fault.js';

/**
 * SOAP 1.1 over HTTPS. One keep-alive agent per transport, so a warm call costs one round trip on
 * an open TLS connection. Every answer is capped, parsed without DTDs, and turned into either a
 * document or a typed error: faults by their SOA code, HTTP and network failures by kind.
 */

export interface SoapTransportOptions {
  /** PEM trust anchors for the server's TLS certificate (the simulator's test CA); the system's when absent. */
  tlsCa?: string | string[] | undefined;
  timeoutMs?: number;
  maxResponseBytes?: number;
  userAgent?: string;
}

export interface SoapCall {
  url: string;
  action: string;
  envelope: string;
  /** Short name for errors and the journal: "sts", "etk", "memberdata"… */
  service: string;
  timeoutMs?: number;
}

export interface SoapAnswer {
  document: Document;
  text: string;
  status: number;
  elapsedMs: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const NETWORK_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

export class SoapTransport {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: SoapTransportOptions = {}) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, ...(options.tlsCa !== undefined ? { ca: options.tlsCa } : {}) });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  async call(call: SoapCall): Promise<SoapAnswer> {
    const started = performance.now();
    const { status, text } = await this.post(call);
    let document: Document;
    try {
      document = parseXml(text, this.maxResponseBytes);
    } catch (error) {
      if (status >= 500) throw new AppError('MYCARENET_UNAVAILABLE', `${call.service} answered HTTP ${status}`, { service: call.service, status });
      throw new AppError('MYCARENET_BAD_ANSWER', `${call.service} answered with unreadable XML`, {
        service: call.service,
        status,
        reason: error instanceof XmlRejected ? error.message : 'unreadable',
      });
    }
    const fault = readSoapFault(document);
    if (fault !== undefined) throw faultError(fault, call.service);
    if (status !== 200) throw new AppError('MYCARENET_UNAVAILABLE', `${call.service} answered HTTP ${status}`, { service: call.service, status });
    return { document, text, status, elapsedMs: performance.now() - started };
  }

  close(): void {
    this.agent.destroy();
  }

  private post(call: SoapCall): Promise<{ status: number; text: string }> {
    const url = new URL(call.url);
    if (url.protocol !== 'https:') return Promise.reject(new AppError('HOST_MISCONFIGURED', `${call.service} endpoint is not https`, { service: call.service }));
    const body = Buffer.from(call.envelope, 'utf8');
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        fail(new AppError('MYCARENET_TIMEOUT', `${call.service} did not answer within ${timeoutMs} ms`, { service: call.service, timeoutMs }));
        req.destroy();
      }, timeoutMs);
      const fail = (error: AppError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            'content-length': body.length,
            soapaction: `"${call.action}"`,
            'user-agent': this.options.userAgent ?? 'eattest-companion',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > this.maxResponseBytes) {
              fail(new AppError('MYCARENET_BAD_ANSWER', `${call.service} answer exceeds ${this.maxResponseBytes} bytes`, { service: call.service }));
              req.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', (error: NodeJS.ErrnoException) => fail(networkError(call.service, error)));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => fail(networkError(call.service, error)));
      req.end(body);
    });
  }
}

function networkError(service: string, error: NodeJS.ErrnoException): AppError {
  const code = error.code ?? 'unknown';
  if (NETWORK_UNAVAILABLE.has(code) || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new AppError('MYCARENET_UNAVAILABLE', `${service} cannot be reached (${code})`, { service, network: code });
  }
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new AppError('MYCARENET_UNAVAILABLE', `${service} presented a TLS certificate that is not trusted (${code})`, { service, network: code });
  }
  return new AppError('MYCARENET_UNAVAILABLE', `${service} connection failed (${code})`, { service, network: code });
}
