import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import type { FaultRule } from '../../simulator/src/faults.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';

/** The real host process, holding a real keystore, against the simulator over HTTPS. */

let pki: TestPki;
let simulator: Simulator;
const hosts: HostProcess[] = [];
const stateDirs: string[] = [];

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
});
afterAll(async () => {
  await simulator.close();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  simulator.setFaults([]);
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

async function hostFor(stateDir: string): Promise<HostProcess> {
  stateDirs.push(stateDir);
  const host = startHost({ stateDir });
  hosts.push(host);
  await hello(host);
  return host;
}

function errorCode(reply: HostReply): string | undefined {
  return reply.ok ? undefined : reply.error.code;
}

describe('eHealth session (STS) through the host', () => {
  it('signs in once and reuses the token for many calls', async () => {
    const doctor = pki.clinicians.doctorRsa;
    const host = await hostFor(provisionHostState({ pki, clinician: doctor, simulatorUrl: simulator.url }));
    const before = simulator.requestCounts().sts;
    const first = await host.request('provider', {});
    expect(first).toMatchObject({
      ok: true,
      result: { ssin: doctor.identity.ssin, nihii11: doctor.identity.nihii11, profession: 'doctor', givenName: doctor.identity.givenName, surname: doctor.identity.surname },
    });
    for (let i = 0; i < 4; i++) expect((await host.request('provider', {})).ok).toBe(true);
    expect(simulator.requestCounts().sts - before).toBe(1);
  });

  it('signs in dentists with the dentist attributes, from a modern keystore', async () => {
    const dentist = pki.clinicians.dentistRsa;
    const host = await hostFor(provisionHostState({ pki, clinician: dentist, simulatorUrl: simulator.url, keystore: 'modern' }));
    expect(await host.request('provider', {})).toMatchObject({ ok: true, result: { nihii11: dentist.identity.nihii11, profession: 'dentist' } });
  });

  it('signs with an EC P-384 key', async () => {
    const doctor = pki.clinicians.doctorEc;
    const host = await hostFor(provisionHostState({ pki, clinician: doctor, simulatorUrl: simulator.url }));
    expect(await host.request('provider', {})).toMatchObject({ ok: true, result: { ssin: doctor.identity.ssin } });
  });

  it('refuses a dentist who asks for a doctor session', async () => {
    const dentist = pki.clinicians.dentistRsa;
    const stateDir = provisionHostState({ pki, clinician: dentist, simulatorUrl: simulator.url });
    const config = JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(stateDir, 'config.json'), JSON.stringify({ ...config, profession: 'doctor' }));
    const host = await hostFor(stateDir);
    expect(errorCode(await host.request('provider', {}))).toBe('STS_REFUSED');
  });

  it('shows the imported certificate in status without opening the keystore', async () => {
    const doctor = pki.clinicians.doctorRsa;
    const host = await hostFor(provisionHostState({ pki, clinician: doctor, simulatorUrl: simulator.url }));
    const status = await host.request('status', {});
    expect(status).toMatchObject({ ok: true, result: { certificate: { ssin: doctor.identity.ssin } } });
    expect(status.ok && (status.result as { certificate: { daysToExpiry: number } }).certificate.daysToExpiry).toBeGreaterThan(900);
  });

  it('refuses a certificate from an untrusted CA with a typed error', async () => {
    const host = await hostFor(provisionHostState({ pki, clinician: pki.untrustedDoctor, simulatorUrl: simulator.url, keystore: 'modern' }));
    expect(errorCode(await host.request('provider', {}))).toBe('CERTIFICATE_REFUSED');
  });

  it('refuses an expired certificate before calling the platform', async () => {
    // The import refuses expired certificates, so this state is laid out by hand, as an import made
    // before the custody file existed would be: a PKCS#12 copy named in config.json.
    const valid = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
    copyFileSync(pki.expiredDoctor.modernKeystore, join(valid, 'keystore.p12'));
    const config = JSON.parse(readFileSync(join(valid, 'config.json'), 'utf8')) as { keystore: { file: string } };
    writeFileSync(join(valid, 'config.json'), JSON.stringify({ ...config, keystore: { ...config.keystore, file: join(valid, 'keystore.p12') } }), { mode: 0o600 });
    writeFileSync(join(valid, 'keystore.password'), pki.expiredDoctor.password, { mode: 0o600 });
    const host = await hostFor(valid);
    const before = simulator.requestCounts().sts;
    expect(errorCode(await host.request('provider', {}))).toBe('CERTIFICATE_EXPIRED');
    expect(simulator.requestCounts().sts).toBe(before);
  });

  it('says when the keystore password is wrong, without ever writing it anywhere', async () => {
    const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
    writeFileSync(join(stateDir, 'keystore.password'), 'not-the-password', { mode: 0o600 });
    // Without the unlock key kept at import, the password is what opens the custody file.
    rmSync(join(stateDir, 'keystore.unlock-key'));
    const host = await hostFor(stateDir);
    const reply = await host.request('provider', {});
    expect(errorCode(reply)).toBe('CERTIFICATE_UNREADABLE');
    const everything = [JSON.stringify(host.replies), host.stderrText(), readFileSync(join(stateDir, 'host.log'), 'utf8')].join('\n');
    expect(everything).not.toContain(pki.clinicians.doctorRsa.password);
    expect(everything).not.toContain('not-the-password');
  });

  it('renews a token once less than half of its life remains', async () => {
    const shortLived = await startSimulator({ pki, tokenLifetimeSeconds: 3, notBeforeSkewSeconds: 0 });
    try {
      const host = await hostFor(provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: shortLived.url }));
      const first = await host.request('provider', {});
      expect((await host.request('provider', {})).ok).toBe(true);
      expect(shortLived.requestCounts().sts).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1700));
      const renewed = await host.request('provider', {});
      expect(shortLived.requestCounts().sts).toBe(2);
      const until = (reply: HostReply) => (reply.ok ? (reply.result as { sessionValidUntil: string }).sessionValidUntil : '');
      expect(Date.parse(until(renewed))).toBeGreaterThan(Date.parse(until(first)));
    } finally {
      await shortLived.close();
    }
  });
});

describe('injected faults surface as typed errors and leave the host healthy', () => {
  const cases: { fault: FaultRule; code: string }[] = [
    { fault: { service: 'sts', kind: 'timeout', count: 1 }, code: 'MYCARENET_TIMEOUT' },
    { fault: { service: 'sts', kind: 'http5xx', status: 503, count: 1 }, code: 'MYCARENET_UNAVAILABLE' },
    { fault: { service: 'sts', kind: 'reset', count: 1 }, code: 'MYCARENET_UNAVAILABLE' },
    { fault: { service: 'sts', kind: 'soapFault', soaFault: 'unauthorized', count: 1 }, code: 'MYCARENET_ACCESS_DENIED' },
    { fault: { service: 'sts', kind: 'soapFault', soaFault: 'temporarilyUnavailable', count: 1 }, code: 'MYCARENET_UNAVAILABLE' },
    { fault: { service: 'sts', kind: 'soapFault', soaFault: 'malformed', count: 1 }, code: 'MYCARENET_FAULT' },
  ];
  for (const { fault, code } of cases) {
    it(`${fault.kind}${fault.soaFault !== undefined ? ` (${fault.soaFault})` : ''} → ${code}`, async () => {
      const host = await hostFor(
        provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url, config: { soapTimeoutMs: 1000 } }),
      );
      simulator.setFaults([fault]);
      const failed = await host.request('provider', {});
      expect(errorCode(failed)).toBe(code);
      if (!failed.ok) expect(failed.error.details?.['service']).toBe('sts');
      expect(await host.request('provider', {})).toMatchObject({ ok: true });
      expect((await host.request('status', {})).ok).toBe(true);
    });
  }

  it('latency within the timeout only slows the call down', async () => {
    const host = await hostFor(provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url }));
    simulator.setFaults([{ service: 'sts', kind: 'latency', latencyMs: 300, count: 1 }]);
    const started = performance.now();
    expect((await host.request('provider', {})).ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});

