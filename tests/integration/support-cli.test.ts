import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody } from '../../native-host/src/certificate/custody.js';
import { loadConfig } from '../../native-host/src/config.js';
import { EhealthServices } from '../../native-host/src/ehealth/services.js';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { memberDataAnswer } from '../../simulator/src/memberdata/answer.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { tariffAnswer } from '../../simulator/src/tarification/answer.js';
import { captures } from '../support/captures.js';
import { builtHostScript } from '../support/paths.js';
import { provisionHostState } from '../support/provisioning.js';

/** `eattest-host insurability | tariffs | inspect` as support runs them: exit codes and JSON. */

let pki: TestPki;
let simulator: Simulator;
let stateDir: string;
const scratch = mkdtempSync(join(tmpdir(), 'eattest-inspect-'));
const today = brusselsDateTime(new Date()).date;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
});
afterAll(async () => {
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Asynchronous: the simulator runs in this process and must keep answering while the CLI waits. */
function run(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [builtHostScript, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: scratch, EATTEST_STATE_DIR: stateDir } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

function file(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe('eattest-host insurability and tariffs', () => {
  it('prints the insurability as JSON', async () => {
    const result = await run('insurability', '--ssin', scenarioByKey('thirdPartyPayment').ssin);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ date: today, insurer: '200', route: { kind: 'efact', reason: 'thirdPartyPayment' } });
  });

  it('asks by registration number at a mutuality, and says the SSIN the insurer knows', async () => {
    const patient = scenarioByKey('thirdPartyPayment');
    const membership = patient.membership;
    expect(membership).toBeDefined();
    const result = await run('insurability', '--member', `${membership?.registrationNumber}@${membership?.mutuality}`);
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ patient: { ssin: patient.ssin }, insurer: '200' });
    expect((await run('insurability', '--member', 'nonsense')).code).toBe(2);
    expect((await run('insurability', '--member', '1@101', '--ssin', patient.ssin)).code).toBe(2);
  });

  it('exits 1 with the typed error as JSON', async () => {
    const result = await run('insurability', '--ssin', scenarioByKey('unknown').ssin, '--date', today);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'PATIENT_UNKNOWN' } });
  });

  it('honours --contact-type', async () => {
    const result = await run('insurability', '--ssin', scenarioByKey('hospitalised').ssin, '--contact-type', 'hospitalized');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ hospitalisation: { service: '450' } });
  });

  it('prints tariffs, and exits 1 when nothing is usable', async () => {
    const result = await run('tariffs', '--ssin', scenarioByKey('inOrder').ssin, '--codes', '101010,102034');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ lines: [{ code: '101010' }], errors: [{ code: '171', nomenclatureCode: '102034' }] });
    const refused = await run('tariffs', '--ssin', scenarioByKey('medicalHouse').ssin, '--codes', '101010');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.err)).toMatchObject({ error: { code: 'MYCARENET_REFUSED', details: { kmehrCode: '169' } } });
  });

  it('exits 2 on usage errors', async () => {
    expect((await run('insurability')).code).toBe(2);
    expect((await run('insurability', '--ssin', '12345678901')).code).toBe(2);
    expect((await run('tariffs', '--ssin', scenarioByKey('inOrder').ssin, '--codes', '12')).code).toBe(2);
    expect((await run('insurability', '--ssin', scenarioByKey('inOrder').ssin, '--contact-type', 'ambulance')).code).toBe(2);
    expect((await run('insurability', '--bogus')).code).toBe(2);
  });
});

describe('eattest-host inspect', () => {
  it('reads every real MemberData answer and fault captured on the acceptance platform', async () => {
    for (const capture of captures('memberdata')) {
      const result = await run('inspect', capture.path);
      expect(result.code, `${capture.name}: ${result.err}`).toBe(0);
      const read = JSON.parse(result.out) as Record<string, unknown>;
      expect(read['error'], capture.name).toBeUndefined();
      expect(read, capture.name).toMatchObject({ kind: 'memberdata-response', skipped: [{ attribute: 'urn:be:cin:nippin:technicalAssertion:status' }] });
      const reads = ['insurability', 'dmgHolder', 'palliativeStatus', 'warnings'].filter((key) => key in read);
      expect(reads.length, `${capture.name} read to nothing`).toBeGreaterThan(0);
      if (/insurability/.test(capture.name)) expect(read['insurability'], capture.name).toMatchObject({ insurer: /^\d00$/, patient: { ssin: /^\d{11}$/ } });
    }
    const byRegistration = JSON.parse((await run('inspect', captures('memberdata').find((capture) => capture.name.includes('145235'))?.path ?? '')).out) as Record<string, unknown>;
    expect(byRegistration['insurability']).toMatchObject({ patient: { ssin: '58121520763', familyName: 'COLLARD' }, insurer: '300' });
    for (const capture of captures('faults')) {
      const result = await run('inspect', capture.path);
      expect(result.code, capture.name).toBe(0);
      expect(JSON.parse(result.out), capture.name).toMatchObject({ kind: 'memberdata-response', issuer: 'urn:be:cin:nippin:aa', error: { code: /^MYCARENET_(REFUSED|ACCESS_DENIED)$/ } });
    }
  });

  it('reads a decrypted MemberData answer', async () => {
    const ssin = scenarioByKey('insurerChanged').ssin;
    const xml = memberDataAnswer({
      id: '_q1',
      ssin,
      subject: { format: 'urn:be:fgov:person:ssin', value: ssin },
      notBefore: `${today}T00:00:00+01:00`,
      notOnOrAfter: `${today}T23:59:59+01:00`,
      day: today,
      facets: new Map([['urn:be:cin:nippin:insurability', new Map([['requestType', 'information'], ['contactType', 'other']])]]),
    });
    const result = await run('inspect', file('memberdata.xml', xml));
    expect(result.code).toBe(0);
    const read = JSON.parse(result.out) as Record<string, unknown>;
    expect(read).toMatchObject({ kind: 'memberdata-response', issuer: 'urn:be:cin:io:500', inResponseTo: '_q1', insurability: { insurer: '500', warnings: [{ code: 'MUTATION' }] } });
  });

  it('reads a Tarification answer', async () => {
    const xml = tariffAnswer(
      { id: '19900104004.1', author: { nihii11: '19900104004' }, date: today, time: '10:00:00', claims: [] },
      { patient: scenarioByKey('inOrder'), lines: [{ code: '101010', fee: 3159, reimbursement: 2759, patientShare: 400 }], errors: [{ code: '171', url: '/x/item[3]', description: 'not for you' }] },
      new Date(),
    );
    const result = await run('inspect', file('tariffs.xml', xml));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      kind: 'tarification-response',
      acknowledge: { isComplete: false, errors: [{ code: '171', scheme: 'CD-ERROR', description: 'not for you', url: '/x/item[3]' }] },
      lines: [{ code: '101010', fee: 3159, reimbursement: 2759, patientShare: 400 }],
    });
  });

  it('reads an STS assertion and checks its signature', async () => {
    const config = loadConfig(stateDir, {});
    const services = new EhealthServices(config, new CertificateCustody(config, stateDir), { info: () => undefined, warn: () => undefined, error: () => undefined });
    const token = await (await services.sts()).token();
    services.close();
    const good = await run('inspect', file('assertion.xml', token.assertionXml));
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ kind: 'sts-assertion', assertionId: token.assertionId, signature: { valid: true }, shape: { readable: true } });
    const tampered = await run('inspect', file('tampered.xml', token.assertionXml.replace(token.nihii11, '19999999999')));
    expect(JSON.parse(tampered.out)).toMatchObject({ kind: 'sts-assertion', signature: { valid: false } });
    // An attribute where the signature does not reach: shown, and said not to be read by the host.
    const injected = token.assertionXml.replace(/<\/ds:KeyInfo>(?=<\/ds:Signature>)/, '<saml:Attribute xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AttributeName="x"/></ds:KeyInfo>');
    expect(injected).not.toBe(token.assertionXml);
    expect(JSON.parse((await run('inspect', file('injected.xml', injected))).out)).toMatchObject({ attributes: { x: [] }, shape: { readable: false, reason: 'unsigned-content' } });
  });

  it('reads an eAttest send answer with its acknowledgement number', async () => {
    const xml = `<?xml version="1.0"?>
<p:SendTransactionResponse xmlns:p="http://www.ehealth.fgov.be/messageservices/protocol/v1" xmlns:c="http://www.ehealth.fgov.be/messageservices/core/v1" xmlns:k="http://www.ehealth.fgov.be/standards/kmehr/schema/v1">
  <c:response><c:id S="ID-KMEHR" SV="1.0">500.1</c:id><c:author><k:hcparty><k:id S="ID-INSURANCE" SV="1.0">500</k:id><k:cd S="CD-HCPARTY" SV="1.16">orginsurance</k:cd></k:hcparty></c:author><c:date>2026-02-12</c:date><c:time>10:00:00</c:time></c:response>
  <c:acknowledge><c:iscomplete>true</c:iscomplete></c:acknowledge>
  <c:kmehrmessage><k:folder>
    <k:transaction><k:cd S="CD-TRANSACTION-MYCARENET" SV="1.4">cga</k:cd><k:item><k:cd S="CD-ITEM-MYCARENET" SV="1.0">invoicingnumber</k:cd><k:content><k:text L="en">500-1-260212-5960827-60</k:text></k:content></k:item></k:transaction>
    <k:transaction><k:cd S="CD-TRANSACTION-MYCARENET" SV="1.4">cgd</k:cd><k:item><k:cd S="CD-ITEM" SV="1.11">claim</k:cd><k:content><k:cd S="CD-NIHDI" SV="1.0">101076</k:cd></k:content></k:item><k:item><k:cd S="CD-ITEM-MYCARENET" SV="1.0">fee</k:cd><k:cost><k:decimal>31.64</k:decimal><k:unit><k:cd S="CD-CURRENCY" SV="1.0">EUR</k:cd></k:unit></k:cost></k:item></k:transaction>
  </k:folder></c:kmehrmessage>
</p:SendTransactionResponse>`;
    const result = await run('inspect', file('eattest.xml', xml));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      kind: 'eattest-send-response',
      isComplete: true,
      errors: [],
      acknowledgementNumber: '500-1-260212-5960827-60',
      insurer: '500',
      responseId: '500.1',
      fees: [{ code: '101076', fee: 3164 }],
    });
  });

  it('exits 2 with a clear message for anything else', async () => {
    const other = await run('inspect', file('other.xml', '<note><to>you</to></note>'));
    expect(other.code).toBe(2);
    expect(other.err).toContain('is not a message eattest-host reads');
    const notXml = await run('inspect', file('not.xml', 'hello'));
    expect(notXml.code).toBe(2);
    expect(notXml.err).toContain('not readable XML');
    expect((await run('inspect')).code).toBe(2);
  });
});
