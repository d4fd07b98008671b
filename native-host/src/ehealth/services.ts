import { X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../../../src/shared/errors.js';
import type { CertificateCustody } from '../certificate/custody.js';
import { holderIdentifier, holderNameOf, holderOf } from '../certificate/identity.js';
import { isOrganisation } from '../../../src/shared/domain/profession.js';
import type { HostConfig } from '../config.js';
import type { Logger } from '../log.js';
import { endpointsFor, type Endpoints } from './endpoints.js';
import { EtkDepot, exchangeEtks } from './etk/etk-depot.js';
import type { DecryptionKey, SigningCredential } from './seal/credential.js';
import { SoapTransport } from './soap/transport.js';
import { loadPlatformAnchors, loadStsSigners } from './trust/trust-store.js';
import { StsSession } from './sts/session.js';

/**
 * The eHealth services of one host process, created on first use and then kept warm: one HTTPS
 * transport (keep-alive), one STS session (token cached), one ETK depot client (ETKs cached).
 */
export class EhealthServices {
  readonly endpoints: Endpoints;
  private transportInstance: SoapTransport | undefined;
  private stsInstance: Promise<StsSession> | undefined;
  private etkInstance: EtkDepot | undefined;
  private anchors: X509Certificate[] | undefined;

  constructor(
    private readonly config: HostConfig,
    private readonly custody: CertificateCustody,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.endpoints = endpointsFor(config);
  }

  get transport(): SoapTransport {
    this.transportInstance ??= new SoapTransport({
      tlsCa: this.config.trust?.tlsCaFile === undefined ? undefined : readPem(this.config.trust.tlsCaFile, 'TLS trust anchor'),
      timeoutMs: this.config.soapTimeoutMs,
    });
    return this.transportInstance;
  }

  get etkDepot(): EtkDepot {
    this.etkInstance ??= new EtkDepot(this.transport, this.endpoints.etkDepot, this.clock);
    return this.etkInstance;
  }

  sts(): Promise<StsSession> {
    this.stsInstance ??= this.createSts().catch((error: unknown) => {
      this.stsInstance = undefined;
      throw error;
    });
    return this.stsInstance;
  }

  /** The key that proves possession for holder-of-key calls (the authentication key). */
  async holderKey(): Promise<KeyObject> {
    return (await this.custody.authentication()).privateKey;
  }

  /** The authentication key with its certificate and chain: seal and XAdES signatures. */
  async signingCredential(): Promise<SigningCredential> {
    const { privateKey, certificate, chain } = await this.custody.authentication();
    return { privateKey, certificate, chain };
  }

  /**
   * The CAs that issue the platform's own certificates (the STS, MyCareNet's seal on answers, the
   * insurers' XAdES-T and its time-stamps): the environment's trust store, read once.
   */
  platformAnchors(): X509Certificate[] {
    this.anchors ??= loadPlatformAnchors(this.config);
    return this.anchors;
  }

  /** The keys that open answers sealed for the clinician, by the decimal serial of their certificate. */
  async decryptionKeys(): Promise<ReadonlyMap<string, DecryptionKey>> {
    return this.custody.encryptionKeys();
  }

  close(): void {
    this.transportInstance?.close();
  }

  private async createSts(): Promise<StsSession> {
    const credential = await this.custody.authentication();
    const holder = holderOf(credential.certificate);
    if (holder === undefined) throw new AppError('CERTIFICATE_UNREADABLE', 'the certificate carries no SSIN and no organisation number');
    if ((holder.kind === 'organisation') !== isOrganisation(this.config.profession)) {
      throw new AppError('HOST_MISCONFIGURED', `the certificate is ${holder.kind === 'organisation' ? "an organisation's" : "a person's"}, the configured profession ${this.config.profession} is not`, { setting: 'profession' });
    }
    const own = holderIdentifier(holder);
    // Without the environment's trust store and pinned STS certificate, nothing is asked of anyone.
    const anchors = this.platformAnchors();
    const stsSigners = loadStsSigners(this.config);
    // Every sealed exchange after a sign-in needs these ETKs, and they need no token: on a cold host
    // (the browser's first request is `provider`) they arrive while the STS answers.
    void this.etkDepot.prefetch(exchangeEtks(own));
    return new StsSession({
      transport: this.transport,
      endpoint: this.endpoints.sts,
      credential: { key: credential.privateKey, certificate: credential.certificate },
      holderIdentifier: own.value,
      ...(holder.kind === 'organisation' ? { organisation: { type: holder.type, name: holderNameOf(credential.certificate) } } : {}),
      profession: this.config.profession,
      stsAnchors: anchors,
      stsSigners,
      clock: this.clock,
      log: this.log,
    });
  }
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new AppError('HOST_MISCONFIGURED', `the ${what} file cannot be read`, { file: path });
  }
}
