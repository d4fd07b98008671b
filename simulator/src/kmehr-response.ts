import { tag } from './xml.js';

/**
 * What the insurer's kmehr answers share (SendTransactionResponse of eAttest, RetrieveTransactionResponse
 * of Tarification): the namespaces, element writers, and the opening msc:response (the echo of
 * the request) and msc:acknowledge (complete or not, with its errors).
 */

export const MS_PROTOCOL_NS = 'http://www.ehealth.fgov.be/messageservices/protocol/v1';
export const MS_CORE_NS = 'http://www.ehealth.fgov.be/messageservices/core/v1';
export const KMEHR_NS = 'http://www.ehealth.fgov.be/standards/kmehr/schema/v1';

type Writer = (name: string, ...children: (Node | string)[]) => Element;
export type KmehrWriter = (name: string, attrs: Record<string, string>, ...children: (Node | string)[]) => Element;

export interface KmehrWriters {
  /** msc:name */
  core: Writer;
  /** k:name with attributes */
  k: KmehrWriter;
}

export function kmehrWriters(document: Document): KmehrWriters {
  return {
    core: (name, ...children) => tag(document, MS_CORE_NS, `msc:${name}`, {}, ...children),
    k: (name, attrs, ...children) => tag(document, KMEHR_NS, `k:${name}`, attrs, ...children),
  };
}

/** The requesting care provider as the request named it. */
export function requesterParty(k: KmehrWriter, author: { nihii11?: string | undefined; cd?: string | undefined }): Element {
  return k('hcparty', {}, k('id', { S: 'ID-HCPARTY', SV: '1.0' }, author.nihii11 ?? ''), k('cd', { S: 'CD-HCPARTY', SV: '1.16' }, author.cd ?? 'persphysician'));
}

export interface ResponseOpening {
  insurer: string;
  /** The insurer as hcparty (a new element each call). */
  insurerParty: () => Element;
  request: { id: string; author: { nihii11?: string | undefined; cd?: string | undefined }; date: string; time: string };
  date: string;
  time: string;
  errors: readonly { code: string; description: string; url: string }[];
}

/** Appends msc:response and msc:acknowledge to the answer's root. */
export function appendResponseOpening({ core, k }: KmehrWriters, root: Element, opening: ResponseOpening): void {
  const { request } = opening;
  root.appendChild(
    core(
      'response',
      core('id', `${opening.insurer}.${request.id}`),
      core('author', opening.insurerParty()),
      core('date', opening.date),
      core('time', opening.time),
      core('request', core('id', request.id), core('author', requesterParty(k, request.author)), core('date', request.date), core('time', request.time)),
    ),
  );
  const acknowledge = core('acknowledge', core('iscomplete', String(opening.errors.length === 0)));
  for (const error of opening.errors) {
    acknowledge.appendChild(core('error', k('cd', { S: 'CD-ERROR', SV: '1.0' }, error.code), k('description', { L: 'en' }, error.description), k('url', {}, error.url)));
  }
  root.appendChild(acknowledge);
}
