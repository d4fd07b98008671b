import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody } from '../../native-host/src/certificate/custody.js';
import { openKeystore } from '../../native-host/src/certificate/keystore.js';
import { loadConfig } from '../../native-host/src/config.js';
import { MYCARENET_ETK } from '../../native-host/src/ehealth/etk/etk-depot.js';
import { seal } from '../../native-host/src/ehealth/seal/seal.js';
import { EhealthServices } from '../../native-host/src/ehealth/services.js';
import { assertionElement } from '../../native-host/src/ehealth/sts/token.js';
import { holderOfKeySignedEnvelope } from '../../native-host/src/ehealth/wss/envelope.js';
import type { Logger } from '../../native-host/src/log.js';
import { callMyCareNet } from '../../native-host/src/transmission/observed-call.js';
import { ensureTestPki, type ClinicianMaterial, type TestPki } from '../../simulator/pki/test-pki.js';
import { garble, SealRejected } from '../../simulator/src/cms.js';
import { unsealFromCaller, type Caller, type FrontConfig } from '../../simulator/src/front.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { Unauthenticated } from '../../simulator/src/wss.js';
import { AppError } from '../../src/shared/errors.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * The MyCareNet front of the simulator judging what the host's eHealth modules produce: the
 * holder-of-key envelope over HTTPS, and sealed blobs opened with openssl.
 */

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let pki: TestPki;
let simulator: Simulator;
const stateDirs: string[] = [];

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
});
afterAll(async () => {
  await simulator.close();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

function servicesFor(clinician: ClinicianMaterial, simulatorUrl = simulator.url): EhealthServices {
  const stateDir = provisionHostState({ pki, clinician, simulatorUrl });
  stateDirs.push(stateDir);
  const config = loadConfig(stateDir, {});
  return new EhealthServices(config, new CertificateCustody(config, stateDir), silent);
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; soaCode: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, soaCode: error.details?.['soaCode'] };
    throw error;
  }
  throw new Error('expected a failure');
}

const ping = { ns: 'urn:eattest:test', name: 't:Ping', children: ['hello'] };

describe('holder-of-key calls through the MyCareNet front', () => {
  it('lets a correctly signed call through to the service', async () => {
    const services = servicesFor(pki.clinicians.doctorRsa);
    // The front accepted the caller; the business service behind it refuses a ping as not schema-conform (SOA-03006).
    const outcome = await codeOf(callMyCareNet(services, { url: services.endpoints.memberData, action: 'urn:test', service: 'memberdata', body: ping }));
    expect(outcome).toEqual({ code: 'MYCARENET_FAULT', soaCode: 'SOA-03006' });
    services.close();
  });

  it('accepts an EC P-384 holder', async () => {
    const services = servicesFor(pki.clinicians.doctorEc);
    expect(await codeOf(callMyCareNet(services, { url: services.endpoints.memberData, action: 'urn:test', service: 'memberdata', body: ping }))).toMatchObject({ soaCode: 'SOA-03006' });
    services.close();
  });

  /** Removes the message signature (the last ds:Signature: the first one is the STS's, inside the assertion). */
  const withoutMessageSignature = (envelope: string) => {
    const start = envelope.lastIndexOf('<ds:Signature ');
    const end = envelope.lastIndexOf('</ds:Signature>') + '</ds:Signature>'.length;
    return envelope.slice(0, start) + envelope.slice(end);
  };
  // Refused as unauthenticated (SOA-01001), or as malformed (SOA-03001) where the shape itself is wrong.
  const refusals: [string, (envelope: string) => string, string][] = [
    ['a body changed after signing', (envelope) => envelope.replace('>hello<', '>hullo<'), 'SOA-01001'],
    ['an unsigned envelope', withoutMessageSignature, 'SOA-01001'],
    ['a token whose attributes were changed', (envelope) => envelope.replace(/(:doctor:boolean"[^>]*><saml:AttributeValue>)true/, '$1false '), 'SOA-01001'],
    [
      'a second Body smuggled in (wrapping)',
      (envelope) => envelope.replace('</soap:Envelope>', '<soap:Body wsu:Id="id-x"><t:Ping xmlns:t="urn:eattest:test">evil</t:Ping></soap:Body></soap:Envelope>'),
      'SOA-03001',
    ],
  ];
  for (const [what, tamper, soaCode] of refusals) {
    it(`refuses ${what} with ${soaCode}`, async () => {
      const services = servicesFor(pki.clinicians.doctorRsa);
      const token = await (await services.sts()).token();
      const envelope = holderOfKeySignedEnvelope(ping, assertionElement(token), await services.holderKey());
      const tampered = tamper(envelope);
      expect(tampered).not.toBe(envelope);
      const outcome = await codeOf(services.transport.call({ url: services.endpoints.memberData, action: 'urn:test', service: 'memberdata', envelope: tampered }));
      expect(outcome).toMatchObject({ soaCode });
      services.close();
    });
  }

  it("refuses a call signed with another key than the token's holder", async () => {
    const doctor = servicesFor(pki.clinicians.doctorRsa);
    const dentist = servicesFor(pki.clinicians.dentistRsa);
    const token = await (await doctor.sts()).token();
    const envelope = holderOfKeySignedEnvelope(ping, assertionElement(token), await dentist.holderKey());
    expect(await codeOf(doctor.transport.call({ url: doctor.endpoints.memberData, action: 'urn:test', service: 'memberdata', envelope }))).toEqual({
      code: 'CERTIFICATE_REFUSED',
      soaCode: 'SOA-01001',
    });
    doctor.close();
    dentist.close();
  });

  it('refuses an expired token, and the host renews it and retries once', async () => {
    const shortLived = await startSimulator({ pki, tokenLifetimeSeconds: 2, notBeforeSkewSeconds: 0 });
    try {
      const services = servicesFor(pki.clinicians.doctorRsa, shortLived.url);
      const token = await (await services.sts()).token();
      await new Promise((resolve) => setTimeout(resolve, 2200));
      const stale = holderOfKeySignedEnvelope(ping, assertionElement(token), await services.holderKey());
      expect(await codeOf(services.transport.call({ url: services.endpoints.memberData, action: 'urn:test', service: 'memberdata', envelope: stale }))).toMatchObject({
        soaCode: 'SOA-01001',
      });
      const before = shortLived.requestCounts().sts;
      expect(await codeOf(callMyCareNet(services, { url: services.endpoints.memberData, action: 'urn:test', service: 'memberdata', body: ping }))).toMatchObject({ soaCode: 'SOA-03006' });
      expect(shortLived.requestCounts().sts).toBe(before + 1);
      services.close();
    } finally {
      await shortLived.close();
    }
  });
});

describe('ETK depot and sealed blobs', () => {
  const frontConfig = (): FrontConfig => ({
    ca: new X509Certificate(readFileSync(pki.caCert)),
    caFile: pki.caCert,
    stsCertificate: new X509Certificate(readFileSync(pki.sts.cert)),
    mycarenetKey: { certFile: pki.mycarenet.enc.cert, keyFile: pki.mycarenet.enc.key },
    now: () => new Date(),
  });

  it('fetches the MyCareNet ETK once and caches it', async () => {
    const services = servicesFor(pki.clinicians.doctorRsa);
    const before = simulator.requestCounts().etk;
    const first = await services.etkDepot.get(MYCARENET_ETK);
    const second = await services.etkDepot.get(MYCARENET_ETK);
    expect(second).toBe(first);
    expect(simulator.requestCounts().etk - before).toBe(1);
    expect(first.encryptionCertificate.serialNumber).toBe(BigInt(pki.mycarenet.encAlias).toString(16).toUpperCase().padStart(first.encryptionCertificate.serialNumber.length, '0'));
    await expect(services.etkDepot.get({ type: 'SSIN', value: '00000000097' })).rejects.toMatchObject({ code: 'ETK_UNAVAILABLE' });
    services.close();
  });

  it('seals what MyCareNet opens, and MyCareNet refuses the wrong key, tampering and a foreign signer', async () => {
    const services = servicesFor(pki.clinicians.doctorRsa);
    const keystore = openKeystore(readFileSync(pki.clinicians.doctorRsa.legacyKeystore), pki.clinicians.doctorRsa.password);
    const sender = { privateKey: keystore.authentication.privateKey, certificate: keystore.authentication.certificate, chain: keystore.authentication.chain };
    const mycarenet = (await services.etkDepot.get(MYCARENET_ETK)).encryptionCertificate;
    const content = Buffer.from('<kmehrmessage>séance du jour</kmehrmessage>');
    const caller: Caller = { holder: sender.certificate, ssin: '', nihii11: '', profession: 'doctor', body: undefined as never };
    const sealed = Buffer.from(await seal(content, sender, [mycarenet]));
    const opened = await unsealFromCaller(sealed, caller, frontConfig());
    expect(opened.content.equals(content)).toBe(true);

    const own = (await services.etkDepot.get({ type: 'SSIN', value: pki.clinicians.doctorRsa.identity.ssin })).encryptionCertificate;
    await expect(unsealFromCaller(Buffer.from(await seal(content, sender, [own])), caller, frontConfig())).rejects.toBeInstanceOf(SealRejected);
    await expect(unsealFromCaller(garble(sealed), caller, frontConfig())).rejects.toBeInstanceOf(SealRejected);
    const dentist = openKeystore(readFileSync(pki.clinicians.dentistRsa.legacyKeystore), pki.clinicians.dentistRsa.password).authentication;
    const foreign = Buffer.from(await seal(content, { privateKey: dentist.privateKey, certificate: dentist.certificate, chain: dentist.chain }, [mycarenet]));
    await expect(unsealFromCaller(foreign, caller, frontConfig())).rejects.toBeInstanceOf(Unauthenticated);
    services.close();
  });
});
