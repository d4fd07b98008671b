import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { HOST_PROTOCOL_RANGE } from '../../src/shared/version.js';
import { hello, resultOf, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * Protocol 3's progress frames, from the built host over real pipes against the simulator: a
 * command that must first sign in to the STS says so for its request id (signingIn, then
 * signInDone, then its reply); a warm one says nothing (no frame, no round trip); and a background
 * that agreed on protocol 2 never gets a frame it does not know.
 */

let pki: TestPki;
let simulator: Simulator;
let host: HostProcess | undefined;
const today = brusselsDateTime(new Date()).date;
const ssin = scenarioByKey('inOrder').ssin;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  return () => simulator.close();
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const startProvisionedHost = () => startHost({ stateDir: provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url }) });

describe('host progress frames (protocol 3)', () => {
  it('says "signing in" for the request that waits for the STS, and nothing once the session is warm', async () => {
    host = startProvisionedHost();
    resultOf(await hello(host));
    const stsBefore = simulator.requestCounts().sts;

    const cold = await host.request('insurability', { ssin, date: today, contactType: 'other' });
    resultOf(cold);
    expect(host.progress).toEqual([
      { type: 'progress', id: cold.id, stage: 'signingIn' },
      { type: 'progress', id: cold.id, stage: 'signInDone' },
    ]);
    // Written before the reply, on the same pipe: all here once the reply is.
    expect(simulator.requestCounts().sts).toBe(stsBefore + 1);

    const warm = await host.request('insurability', { ssin, date: today, contactType: 'other' });
    resultOf(warm);
    expect(host.progress.filter((frame) => frame.id === warm.id)).toEqual([]);
    expect(simulator.requestCounts().sts).toBe(stsBefore + 1);
  });

  it('sends no progress frame to a background that agreed on protocol 2', async () => {
    host = startProvisionedHost();
    const agreed = resultOf(await hello(host, { protocolVersion: 2, protocolRange: { min: HOST_PROTOCOL_RANGE.min, max: 2 } })) as { protocolVersion: number };
    expect(agreed.protocolVersion).toBe(2);
    resultOf(await host.request('insurability', { ssin, date: today, contactType: 'other' }));
    expect(host.progress).toEqual([]);
  });
});
