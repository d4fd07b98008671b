import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { builtHostScript } from '../support/paths.js';

/** `eattest-host certificate import` and the certificate part of `doctor`, as a clinician runs them. */
describe('certificate import and doctor', () => {
  let pki: TestPki;
  let home: string;
  let stateDir: string;
  beforeAll(async () => {
    pki = await ensureTestPki();
  });
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'eattest-home-'));
    stateDir = join(home, 'state');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const run = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, [builtHostScript, ...args], {
      encoding: 'utf8',
      input,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, EATTEST_STATE_DIR: stateDir },
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  const importKeystore = (file: string, passwordFile: string, ...extra: string[]) =>
    run(['certificate', 'import', file, '--password-file', passwordFile, '--password-store', 'file', ...extra]);

  it('imports a legacy keystore, keeps it private, and tells who it belongs to', () => {
    const doctor = pki.clinicians.doctorRsa;
    const result = importKeystore(doctor.legacyKeystore, doctor.passwordFile);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`SSIN            ${doctor.identity.ssin}`);
    expect(result.out).toMatch(/days to expiry {2}\d{3,4}/);
    expect(result.out).toContain(`OU=${doctor.identity.givenName.toUpperCase()} ${doctor.identity.surname.toUpperCase()}`);
    expect(result.out + result.err).not.toContain(doctor.password);
    for (const file of ['keystore.json', 'keystore.password', 'keystore.unlock-key', 'config.json']) expect(statSync(join(stateDir, file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8'))).toMatchObject({ keystore: { passwordStore: 'file' }, profession: 'doctor' });

    const report = run(['doctor']);
    expect(report.out).toMatch(new RegExp(`ok +certificate of .*SSIN ${doctor.identity.ssin}.*days left`));
    expect(report.out).toMatch(/ok +keystore password available in file/);
  });

  it('reads the password from stdin too', () => {
    const dentist = pki.clinicians.dentistRsa;
    const result = run(['certificate', 'import', dentist.modernKeystore, '--password-stdin', '--password-store', 'file', '--profession', 'dentist'], `${dentist.password}\n`);
    expect(result.code).toBe(0);
    expect(result.out).toContain(dentist.identity.ssin);
  });

  it('refuses a wrong password without echoing it', () => {
    const doctor = pki.clinicians.doctorEc;
    const wrong = join(home, 'wrong.txt');
    writeFileSync(wrong, 'hunter2-not-it');
    const result = importKeystore(doctor.legacyKeystore, wrong);
    expect(result.code).toBe(1);
    expect(result.err).toContain('wrong password');
    expect(result.out + result.err).not.toContain('hunter2-not-it');
  });

  it('imports a guard post’s organisation certificate as a guard post only, and a personal one never as a guard post', () => {
    const { guardPost } = pki;
    const asDoctor = importKeystore(guardPost.modernKeystore, guardPost.passwordFile);
    expect(asDoctor.code).toBe(1);
    expect(asDoctor.err).toContain('--profession guardPost');
    const personal = importKeystore(pki.clinicians.doctorRsa.modernKeystore, pki.clinicians.doctorRsa.passwordFile, '--profession', 'guardPost');
    expect(personal.code).toBe(1);
    expect(personal.err).toContain('a personal certificate cannot sign in as a guard post');

    const result = importKeystore(guardPost.legacyKeystore, guardPost.passwordFile, '--profession', 'guardPost');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`organisation    NIHII-GUARDPOST ${guardPost.identity.nihii}`);
    expect(JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8'))).toMatchObject({ profession: 'guardPost' });
    expect(run(['doctor']).out).toMatch(new RegExp(`ok +certificate of .*NIHII-GUARDPOST ${guardPost.identity.nihii}.*days left`));
  });

  it('refuses an expired certificate', () => {
    const result = importKeystore(pki.expiredDoctor.modernKeystore, pki.expiredDoctor.passwordFile);
    expect(result.code).toBe(1);
    expect(result.err).toContain('not valid today');
  });

  it('doctor warns from 90 days before expiry, and flags an expired certificate', () => {
    const doctor = pki.clinicians.doctorRsa;
    expect(importKeystore(doctor.modernKeystore, doctor.passwordFile).code).toBe(0);
    const summaryFile = join(stateDir, 'certificate.json');
    const stored = JSON.parse(readFileSync(summaryFile, 'utf8')) as { summary: { notAfter: string } };
    const setNotAfter = (days: number) => {
      stored.summary.notAfter = new Date(Date.now() + days * 24 * 3600_000).toISOString();
      writeFileSync(summaryFile, JSON.stringify(stored));
    };
    setNotAfter(91.5);
    expect(run(['doctor']).out).toMatch(/ok +certificate of .*\(91 days left\)/);
    setNotAfter(45.5);
    const warned = run(['doctor']);
    expect(warned.out).toMatch(/WARNING +certificate of .*expires in 45 days/);
    expect(warned.out).toContain('renew it now');
    setNotAfter(-2);
    const expired = run(['doctor']);
    expect(expired.code).toBe(1);
    expect(expired.out).toMatch(/PROBLEM +certificate of .*EXPIRED/);
  });

  it('doctor says how to import when no certificate is there', () => {
    expect(run(['doctor']).out).toMatch(/WARNING +no eHealth certificate imported yet\n +→ run `eattest-host certificate import FILE.p12`/);
  });
});
