import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { ensureTestPki, type TestPki } from '../simulator/pki/test-pki.js';
import type { ServiceName } from '../simulator/src/faults.js';
import { startSimulator, type RecordedRequest, type Simulator } from '../simulator/src/server.js';
import type { Attestation } from '../src/shared/domain/attestation.js';
import { brusselsDate } from '../src/shared/domain/calendar.js';
import { provisionHostState } from '../tests/support/provisioning.js';

/**
 * What the measurements share: the test PKI, one simulator on loopback that records the last
 * request of each service (so that a bare client can replay exactly what the host sent), host
 * state folders provisioned through the real command line, and attestations that the simulator
 * accepts (one fresh act code per send, so that its duplicate check never strikes).
 */

/** The scenario patient whose insurance is in order (simulator/src/scenarios.ts). */
export const PATIENT_IN_ORDER = { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' } as const;

export interface BenchEnvironment {
  pki: TestPki;
  simulator: Simulator;
  /** The last request each service received, as the host sent it. */
  lastRequest(service: ServiceName): RecordedRequest | undefined;
  /** A host state folder with the RSA GP's keystore imported, pointed at the simulator. */
  provisionState(config?: Record<string, unknown>): string;
  /** Six digits never used before in this run: every send gets its own act code. */
  freshActCode(): string;
  totalRequests(): number;
  close(): Promise<void>;
}

export async function startBenchEnvironment(): Promise<BenchEnvironment> {
  const pki = await ensureTestPki();
  const recorded = new Map<ServiceName, RecordedRequest>();
  const simulator = await startSimulator({ pki, onRequest: (seen) => recorded.set(seen.service, seen) });
  const stateDirs: string[] = [];
  // Act codes far from the real nomenclature's common ones; the simulator judges any six digits.
  let nextCode = 700_000 + Math.floor(Math.random() * 200_000);
  return {
    pki,
    simulator,
    lastRequest: (service) => recorded.get(service),
    provisionState(config) {
      const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url, ...(config !== undefined ? { config } : {}) });
      stateDirs.push(stateDir);
      return stateDir;
    },
    freshActCode: () => String(nextCode++),
    totalRequests: () => Object.values(simulator.requestCounts()).reduce((sum, count) => sum + count, 0),
    async close() {
      await simulator.close();
      for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Today's attestation of one act for the patient in order. */
export function attestationOf(code: string, now = new Date()): Attestation {
  const careDate = brusselsDate(now);
  return {
    patient: { ...PATIENT_IN_ORDER },
    careDate,
    patientPaidCents: 400,
    acts: [{ code, quantity: 1, serviceDate: careDate, amountPaidCents: 400 }],
  };
}

/**
 * A warm Node HTTPS client (one keep-alive connection) that replays recorded requests byte for
 * byte: the floor a send cannot go below, whatever the host does.
 */
export class BareClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    caFile: string,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(caFile, 'utf8') });
  }

  /** Posts the request and resolves with the answer's status once the whole body has arrived. */
  replay(recorded: RecordedRequest): Promise<{ status: number; body: string }> {
    const body = Buffer.from(recorded.body, 'utf8');
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(recorded.path, this.baseUrl),
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length, ...(recorded.soapAction !== undefined ? { soapaction: recorded.soapAction } : {}) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Replays and insists on an HTTP 200 without a SOAP fault: a refused replay measures nothing. */
  async replayOk(recorded: RecordedRequest): Promise<string> {
    const answer = await this.replay(recorded);
    if (answer.status !== 200 || answer.body.includes(':Fault>')) throw new Error(`the ${recorded.service} replay was refused (HTTP ${answer.status}): ${answer.body.slice(0, 300)}`);
    return answer.body;
  }

  /** One timed replay (ms), after an untimed one that leaves the connection open and warm. */
  async timedReplay(recorded: RecordedRequest): Promise<number> {
    await this.replayOk(recorded);
    const started = performance.now();
    await this.replayOk(recorded);
    return performance.now() - started;
  }

  close(): void {
    this.agent.destroy();
  }
}
