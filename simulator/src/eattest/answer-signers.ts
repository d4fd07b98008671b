import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, issueCertificate, type Issuer } from '../../pki/certificates.js';
import { MYCARENET_CBE, organisationSubject } from '../../pki/identities.js';
import type { TestPki } from '../../pki/test-pki.js';
import type { FaultRule } from '../faults.js';
import type { KeyFiles } from './xades-t.js';

/**
 * Who signs an eAttest answer's XAdES-T and who time-stamps it. Normally MyCareNet's certificate
 * and the test TSA, both of the test CA that the host trusts. The signature faults change that, so
 * that the host's two tiers of checks can be tried against real answers:
 * - answerSignerUnknownCa: an organisation certificate shaped like MyCareNet's, of a CA the host
 *   does not know (intact signature, unverifiable: the host must accept and warn);
 * - answerTimeStampUnknownTsa: a time-stamping authority of that unknown CA (likewise);
 * - answerSignerClinician: a clinician's certificate of the trusted test CA (not the insurer: refused).
 * The unknown CA and its certificates are made on first use, in a temporary folder.
 */

export interface AnswerKeys {
  signer: KeyFiles;
  tsa: KeyFiles;
}

const DAY = 86_400_000;

export class AnswerSigners {
  private unknown: Promise<{ dir: string; signer: KeyFiles; tsa: KeyFiles }> | undefined;

  constructor(private readonly pki: TestPki) {}

  get normal(): AnswerKeys {
    return { signer: { certFile: this.pki.mycarenet.auth.cert, keyFile: this.pki.mycarenet.auth.key }, tsa: { certFile: this.pki.tsa.cert, keyFile: this.pki.tsa.key } };
  }

  async for(fault: FaultRule | undefined): Promise<AnswerKeys> {
    switch (fault?.kind) {
      case 'answerSignerUnknownCa':
        return { ...this.normal, signer: (await this.unknownCa()).signer };
      case 'answerTimeStampUnknownTsa':
        return { ...this.normal, tsa: (await this.unknownCa()).tsa };
      case 'answerSignerClinician': {
        const clinician = this.pki.clinicians.doctorRsa;
        return { ...this.normal, signer: { certFile: clinician.authCert, keyFile: clinician.authKey } };
      }
      default:
        return this.normal;
    }
  }

  async close(): Promise<void> {
    const made = await this.unknown?.catch(() => undefined);
    if (made !== undefined) await rm(made.dir, { recursive: true, force: true });
  }

  private unknownCa(): Promise<{ dir: string; signer: KeyFiles; tsa: KeyFiles }> {
    this.unknown ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sim-unknown-ca-'));
      const now = Date.now();
      const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
      const ca: Issuer = { cert: join(dir, 'ca.crt.pem'), key: join(dir, 'ca.key.pem') };
      await generateKey('rsa', ca.key);
      await issueCertificate({ scratch: dir, subject: [['C', 'BE'], ['O', 'Unknown test PKI'], ['CN', 'Unknown Test issuing CA']], key: ca.key, out: ca.cert, issuer: 'self', validity, profile: 'ca' });
      const signer = { certFile: join(dir, 'signer.crt.pem'), keyFile: join(dir, 'signer.key.pem') };
      const tsa = { certFile: join(dir, 'tsa.crt.pem'), keyFile: join(dir, 'tsa.key.pem') };
      await Promise.all([generateKey('rsa', signer.keyFile), generateKey('rsa', tsa.keyFile)]);
      await Promise.all([
        issueCertificate({ scratch: dir, subject: organisationSubject(MYCARENET_CBE, 'MYCARENET', 'MYCARENET'), key: signer.keyFile, out: signer.certFile, issuer: ca, validity, profile: 'authentication' }),
        issueCertificate({ scratch: dir, subject: [['C', 'BE'], ['O', 'Unknown test PKI'], ['CN', 'Unknown Time-Stamping Authority']], key: tsa.keyFile, out: tsa.certFile, issuer: ca, validity, profile: 'timestamping' }),
      ]);
      return { dir, signer, tsa };
    })();
    return this.unknown;
  }
}
