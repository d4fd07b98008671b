import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestPki } from '../pki/test-pki.js';
import { AnswerSigners } from './eattest/answer-signers.js';
import { AttestationStore } from './eattest/store.js';
import { DropConnection, eattestService } from './eattest/service.js';
import { etkDirectory, getEtk } from './etk-depot.js';
import { checkCaller, type FrontConfig } from './front.js';
import { FaultPlan, faultRulesSchema, type FaultRule, type ServiceName } from './faults.js';
import { memberDataService } from './memberdata/service.js';
import { ServiceFault } from './mycarenet-commons.js';
import { FAULTS, soapFault, type SoaFault } from './soap-fault.js';
import { issueToken, type KnownClinician, type StsConfig } from './sts.js';
import { tarificationService } from './tarification/service.js';
import { Unauthenticated } from './wss.js';
import { BadRequest, SOAP_NS, onlyChild, readXml } from './xml.js';

/**
 * The MyCareNet simulator: the eHealth STS, the ETK depot and the MyCareNet services over HTTPS on
 * loopback, as strict as the platform, with faults that can be injected per request.
 */

export interface SimulatorOptions {
  pki: TestPki;
  port?: number;
  host?: string;
  faults?: readonly FaultRule[];
  tokenLifetimeSeconds?: number;
  notBeforeSkewSeconds?: number;
  now?: () => Date;
  /** Sees every service request as received (the bench records one to replay it from a bare client). */
  onRequest?: (request: RecordedRequest) => void;
  /** Insurers (e.g. '300') whose eAttest refuses an act without the identity document's reading (222). */
  identityReadingRequiredBy?: ReadonlySet<string>;
}

export interface RecordedRequest {
  service: ServiceName;
  path: string;
  soapAction: string | undefined;
  body: string;
}

export interface Simulator {
  url: string;
  port: number;
  /** Requests received per service since start (or the last reset): the bench counts round trips with it. */
  requestCounts(): Record<ServiceName, number>;
  setFaults(rules: readonly FaultRule[]): void;
  close(): Promise<void>;
}

const ROUTES: Readonly<Record<string, ServiceName>> = {
  '/IAM/Saml11TokenService/v1': 'sts',
  '/EtkDepot/v1': 'etk',
  '/MyCareNet/MemberData/v1': 'memberdata',
  '/MyCareNet/Tarification/v1': 'tarification',
  '/MyCareNet/eAttest/v3': 'eattest',
};

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const pem = (path: string) => readFileSync(path, 'utf8');

function clinicianDirectory(pki: TestPki): Map<string, KnownClinician> {
  const all = [...Object.values(pki.clinicians), pki.expiredDoctor, pki.untrustedDoctor];
  return new Map(all.map(({ identity }) => [identity.ssin, { ssin: identity.ssin, profession: identity.profession, nihii11: identity.nihii11, givenName: identity.givenName, surname: identity.surname }]));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    // A client gone before its body was read (a latency fault outlived it): nothing more will come.
    if (request.destroyed && !request.readableEnded) {
      reject(new BadRequest('the client went away'));
      return;
    }
    request.on('close', () => {
      if (!request.readableEnded) reject(new BadRequest('the client went away'));
    });
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest('request too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string, contentType = 'text/xml; charset=utf-8'): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendFault(response: ServerResponse, fault: SoaFault, detail?: string): void {
  send(response, fault.httpStatus, soapFault(fault, detail));
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { pki } = options;
  const now = options.now ?? (() => new Date());
  const faults = new FaultPlan(options.faults);
  const counts = Object.fromEntries(Object.values(ROUTES).map((service) => [service, 0])) as Record<ServiceName, number>;
  /** Service requests still being handled (a latency fault keeps one), in the stats: the fault matrix waits for none before it counts. */
  let inFlight = 0;
  const stsConfig: StsConfig = {
    ca: new X509Certificate(pem(pki.caCert)),
    signingKey: createPrivateKey(pem(pki.sts.key)),
    signingCert: new X509Certificate(pem(pki.sts.cert)),
    clinicians: clinicianDirectory(pki),
    organisations: new Map([[pki.guardPost.identity.nihii, { type: 'NIHII-GUARDPOST', nihii: pki.guardPost.identity.nihii, nihii11: pki.guardPost.identity.nihii11, profession: 'guardPost' }]]),
    ...(options.tokenLifetimeSeconds !== undefined ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}),
    ...(options.notBeforeSkewSeconds !== undefined ? { notBeforeSkewSeconds: options.notBeforeSkewSeconds } : {}),
  };
  const etks = etkDirectory([
    { type: 'CBE', value: pki.mycarenet.cbe, applicationId: 'MYCARENET', etk: readFileSync(pki.mycarenet.etk) },
    ...[...Object.values(pki.clinicians), pki.expiredDoctor, pki.untrustedDoctor].map((clinician) => ({
      type: 'SSIN',
      value: clinician.identity.ssin,
      etk: readFileSync(clinician.etk),
    })),
    { type: 'NIHII-GUARDPOST', value: pki.guardPost.identity.nihii, etk: readFileSync(pki.guardPost.etk) },
  ]);

  const front: FrontConfig = {
    ca: stsConfig.ca,
    caFile: pki.caCert,
    stsCertificate: stsConfig.signingCert,
    mycarenetKey: { certFile: pki.mycarenet.enc.cert, keyFile: pki.mycarenet.enc.key },
    now,
  };

  // What the stsSignerClinician fault signs tokens with: a certificate of the same CA, not the STS's.
  const clinicianSigner = { signingKey: createPrivateKey(pem(pki.clinicians.doctorRsa.authKey)), signingCert: new X509Certificate(pem(pki.clinicians.doctorRsa.authCert)) };
  const mycarenetSigner = { certFile: pki.mycarenet.auth.cert, keyFile: pki.mycarenet.auth.key };
  const attestations = new AttestationStore();
  const answerSigners = new AnswerSigners(pki);
  const handle = async (service: ServiceName, xml: string, fault: FaultRule | undefined): Promise<string> => {
    const document = readXml(xml);
    switch (service) {
      case 'sts':
        return issueToken(xml, document, fault?.kind === 'stsSignerClinician' ? { ...stsConfig, ...clinicianSigner } : stsConfig, now());
      case 'etk':
        return getEtk(onlyChild(document.documentElement, SOAP_NS, 'Body'), etks);
      case 'memberdata':
        return memberDataService({ front, caller: checkCaller(xml, document, front), signer: mycarenetSigner, garbleAnswer: fault?.kind === 'garbledSeal' });
      case 'tarification':
        return tarificationService({ caller: checkCaller(xml, document, front), now: now() });
      case 'eattest':
        return eattestService({ front, caller: checkCaller(xml, document, front), signer: mycarenetSigner, answerSigners, store: attestations, fault, ...(options.identityReadingRequiredBy !== undefined ? { identityReadingRequiredBy: options.identityReadingRequiredBy } : {}) });
      default:
        // Every MyCareNet service is behind the common front; eAttest comes next.
        checkCaller(xml, document, front);
        throw new NotImplemented(service);
    }
  };

  const server: Server = createServer({ key: pem(pki.tls.key), cert: pem(pki.tls.cert), keepAliveTimeout: 60_000 }, (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/__control/')) {
      void control(request, response, path);
      return;
    }
    const service = ROUTES[path];
    if (service === undefined || request.method !== 'POST') {
      send(response, 404, 'not found', 'text/plain');
      return;
    }
    counts[service] += 1;
    inFlight += 1;
    const fault = faults.take(service);
    void (async () => {
      if (fault?.kind === 'reset') {
        request.socket.destroy();
        return;
      }
      if (fault?.kind === 'timeout') return; // never answers; the client's timeout must act
      if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.latencyMs ?? 1000));
      if (fault?.kind === 'http5xx') {
        send(response, fault.status ?? 503, '<html><body>Service Unavailable</body></html>', 'text/html');
        return;
      }
      if (fault?.kind === 'soapFault') {
        sendFault(response, FAULTS[fault.soaFault ?? 'temporarilyUnavailable']);
        return;
      }
      try {
        const body = await readBody(request);
        const soapAction = request.headers['soapaction'];
        options.onRequest?.({ service, path, soapAction: typeof soapAction === 'string' ? soapAction : undefined, body });
        send(response, 200, await handle(service, body, fault));
      } catch (error) {
        if (error instanceof Unauthenticated) sendFault(response, FAULTS.unauthenticated, error.message);
        else if (error instanceof ServiceFault) sendFault(response, error.fault, error.message);
        else if (error instanceof BadRequest) sendFault(response, FAULTS.malformed, error.message);
        else if (error instanceof DropConnection) request.socket.destroy();
        else if (error instanceof NotImplemented) sendFault(response, FAULTS.unavailable, `${error.message} is not simulated yet`);
        else {
          // A simulator bug, not the caller's fault: say so on the console, answer like the platform would.
          process.stderr.write(`simulator: unexpected error in ${service}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
          sendFault(response, FAULTS.undefinedError);
        }
      }
    })().finally(() => (inFlight -= 1));
  });

  const control = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    if (path === '/__control/stats' && request.method === 'GET') {
      send(response, 200, JSON.stringify({ requests: counts, inFlight }), 'application/json');
    } else if (path === '/__control/stats' && request.method === 'DELETE') {
      for (const service of Object.keys(counts) as ServiceName[]) counts[service] = 0;
      send(response, 204, '', 'text/plain');
    } else if (path === '/__control/attestations' && request.method === 'GET') {
      send(response, 200, JSON.stringify({ attestations: attestations.list() }), 'application/json');
    } else if (path === '/__control/faults' && request.method === 'PUT') {
      let raw: unknown = null;
      try {
        raw = JSON.parse(await readBody(request));
      } catch {
        // Reported as a validation error below.
      }
      const parsed = faultRulesSchema.safeParse(raw);
      if (!parsed.success) {
        send(response, 400, JSON.stringify({ error: parsed.error.issues.map((issue) => issue.message) }), 'application/json');
        return;
      }
      faults.replace(parsed.data);
      send(response, 204, '', 'text/plain');
    } else if (path === '/__control/attestations' && request.method === 'DELETE') {
      attestations.clear();
      send(response, 204, '', 'text/plain');
    } else {
      send(response, 404, 'not found', 'text/plain');
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requestCounts: () => ({ ...counts }),
    setFaults: (rules) => faults.replace(rules),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await answerSigners.close();
    },
  };
}

class NotImplemented extends Error {
  override readonly name = 'NotImplemented';
}
