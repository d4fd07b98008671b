import type { X509Certificate } from 'node:crypto';
import type { Logger } from '../../log.js';
import { reportProgress } from '../../progress.js';
import type { SoapTransport } from '../soap/transport.js';
import { x509SignedEnvelope, type SigningKey } from '../wss/envelope.js';
import type { Profession } from './attributes.js';
import { stsRequestBody } from './request.js';
import { isFresh, readStsResponse, type SamlToken } from './token.js';

export const STS_ACTION = 'urn:be:fgov:ehealth:sts:protocol:v1:RequestSecureToken';

export interface StsSessionOptions {
  transport: SoapTransport;
  endpoint: string;
  credential: SigningKey;
  /** What the certificate names its holder by: a person's SSIN, a guard post's NIHII number. */
  holderIdentifier: string;
  /** An organisation certificate's identifier type and name (a guard post). */
  organisation?: { type: string; name?: string | undefined };
  profession: Profession;
  stsAnchors: readonly X509Certificate[];
  /** The environment's STS signing certificate(s): no other may sign the token. */
  stsSigners: readonly X509Certificate[];
  validityHours?: number;
  clock?: () => Date;
  log?: Logger;
}

/**
 * The clinician's eHealth session: one SAML token, reused for every call until less than half of
 * its life remains, then renewed. Concurrent callers share one request to the STS.
 */
export class StsSession {
  private current: SamlToken | undefined;
  private inFlight: Promise<SamlToken> | undefined;
  private readonly clock: () => Date;

  constructor(private readonly options: StsSessionOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** The cached token when still fresh, without any network call. */
  get cached(): SamlToken | undefined {
    return this.current !== undefined && isFresh(this.current, this.clock()) ? this.current : undefined;
  }

  async token(): Promise<SamlToken> {
    const cached = this.cached;
    if (cached !== undefined) return cached;
    // The request waits for a sign-in (its own or one under way): the clinician is told (protocol 3).
    reportProgress('signingIn');
    this.inFlight ??= this.requestToken().finally(() => {
      this.inFlight = undefined;
    });
    try {
      return await this.inFlight;
    } finally {
      reportProgress('signInDone');
    }
  }

  /** Forget the token (e.g. when a service says it is no longer valid). */
  invalidate(): void {
    this.current = undefined;
  }

  private async requestToken(): Promise<SamlToken> {
    const now = this.clock();
    const body = stsRequestBody({
      certificate: this.options.credential.certificate,
      holderIdentifier: this.options.holderIdentifier,
      profession: this.options.profession,
      now,
      validityHours: this.options.validityHours ?? 24,
    });
    const answer = await this.options.transport.call({
      url: this.options.endpoint,
      action: STS_ACTION,
      envelope: x509SignedEnvelope(body, this.options.credential, now),
      service: 'sts',
    });
    const token = readStsResponse(answer.document, {
      holderCertificate: this.options.credential.certificate,
      holderIdentifier: this.options.holderIdentifier,
      ...(this.options.organisation !== undefined ? { organisation: this.options.organisation } : {}),
      profession: this.options.profession,
      stsAnchors: this.options.stsAnchors,
      stsSigners: this.options.stsSigners,
      now: this.clock(),
    });
    this.options.log?.info('STS token obtained', { notOnOrAfter: token.notOnOrAfter.toISOString(), elapsedMs: Math.round(answer.elapsedMs) });
    this.current = token;
    return token;
  }
}
