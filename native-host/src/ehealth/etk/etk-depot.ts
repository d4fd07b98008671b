import { AppError } from '../../../../src/shared/errors.js';
import type { SoapTransport } from '../soap/transport.js';
import { childElements, firstChild, newDocument, serialize, textOf } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { parseEtk, type EncryptionToken } from './etk-token.js';

/**
 * The ETK depot client (PROTOCOL §5.1): unsecured GetEtk by identifier, cached in memory until a
 * certificate of the token expires.
 */

export interface EtkIdentifier {
  /** `CBE`, `SSIN`, or an organisation's NIHII type (`NIHII-GUARDPOST`, …: FHC IdentifierType). */
  type: string;
  value: string;
  applicationId?: string;
}

/** MyCareNet's own ETK: CBE 0820563481, application MYCARENET. */
export const MYCARENET_ETK: EtkIdentifier = { type: 'CBE', value: '0820563481', applicationId: 'MYCARENET' };

/** The ETKs a sealed exchange needs: MyCareNet's, to seal for it, and the holder's own (SSIN, or an organisation's number), named as Reply-to-Etk. */
export function exchangeEtks(own: EtkIdentifier): EtkIdentifier[] {
  return [MYCARENET_ETK, { type: own.type, value: own.value }];
}

export class EtkDepot {
  private readonly cache = new Map<string, Promise<EncryptionToken>>();

  constructor(
    private readonly transport: SoapTransport,
    private readonly endpoint: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Starts fetching these ETKs without waiting for them (they need no STS token, so a cold host asks
   * for them while the STS answers). Never rejects: a failure is met again by the get() that needs it.
   */
  prefetch(identifiers: readonly EtkIdentifier[]): Promise<void> {
    return this.getAll(identifiers).then(
      () => undefined,
      () => undefined,
    );
  }

  /** These ETKs, each from the cache or fetched, all at once. */
  getAll(identifiers: readonly EtkIdentifier[]): Promise<EncryptionToken[]> {
    return Promise.all(identifiers.map((identifier) => this.get(identifier)));
  }

  /** The cached token when present and current, without any network call. */
  async get(identifier: EtkIdentifier): Promise<EncryptionToken> {
    const key = `${identifier.type}|${identifier.value}|${identifier.applicationId ?? ''}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      const token = await cached.catch(() => undefined);
      if (token !== undefined && this.current(token)) return token;
      this.cache.delete(key);
    }
    const fetching = this.fetch(identifier);
    this.cache.set(key, fetching);
    fetching.catch(() => this.cache.delete(key));
    return fetching;
  }

  private current(token: EncryptionToken): boolean {
    const now = this.clock().getTime();
    return [token.encryptionCertificate, token.signer].every((certificate) => now <= Date.parse(certificate.validTo));
  }

  private async fetch(identifier: EtkIdentifier): Promise<EncryptionToken> {
    const document = newDocument({
      ns: NS.soap,
      name: 'soap:Envelope',
      children: [
        { ns: NS.soap, name: 'soap:Body', children: [
          { ns: NS.etkProtocol, name: 'etk:GetEtkRequest', children: [
            { ns: NS.etkProtocol, name: 'etk:SearchCriteria', children: [
              { ns: NS.etkProtocol, name: 'etk:Identifier', children: [
                { ns: NS.etkProtocol, name: 'etk:Type', children: [identifier.type] },
                { ns: NS.etkProtocol, name: 'etk:Value', children: [identifier.value] },
                ...(identifier.applicationId === undefined ? [] : [{ ns: NS.etkProtocol, name: 'etk:ApplicationID', children: [identifier.applicationId] }]),
              ] },
            ] },
          ] },
        ] },
      ],
    });
    const answer = await this.transport.call({ url: this.endpoint, action: '', envelope: serialize(document), service: 'etk' });
    const body = firstChild(answer.document.documentElement, NS.soap, 'Body');
    const response = body === undefined ? undefined : firstChild(body, NS.etkProtocol, 'GetEtkResponse');
    if (response === undefined) throw new AppError('MYCARENET_BAD_ANSWER', 'the ETK depot answer has no GetEtkResponse', { service: 'etk' });
    const error = firstChild(response, NS.etkProtocol, 'Error');
    if (error !== undefined) {
      throw new AppError('ETK_UNAVAILABLE', 'the ETK depot has no key for this identifier', {
        service: 'etk',
        identifier: `${identifier.type} ${identifier.value}`,
        code: textOf(firstChild(error, NS.etkProtocol, 'Code'))?.slice(0, 60) ?? null,
      });
    }
    const etks = childElements(response, NS.etkProtocol, 'ETK');
    const etk = textOf(etks[0]);
    if (etks.length !== 1 || etk === undefined) throw new AppError('ETK_UNAVAILABLE', 'the ETK depot answered without exactly one ETK', { service: 'etk' });
    return parseEtk(Buffer.from(etk.replace(/\s+/g, ''), 'base64'));
  }
}
