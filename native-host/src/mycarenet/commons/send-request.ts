import { randomUUID } from 'node:crypto';
import type { ElementSpec } from '../../ehealth/xml/dom.js';

/**
 * The commons SendRequestType root (PROTOCOL §2.2): a service-specific element with an xs:ID and
 * the issue instant, holding CommonInput, optional Routing and Detail in that order.
 */
export interface SendRequestFields {
  ns: string;
  /** Qualified name, e.g. `mda:MemberDataConsultationRequest`. */
  name: string;
  now: Date;
  commonInput: ElementSpec;
  routing?: ElementSpec;
  detail: ElementSpec;
}

export function sendRequest(fields: SendRequestFields): ElementSpec {
  return {
    ns: fields.ns,
    name: fields.name,
    attrs: { Id: `_${randomUUID()}`, IssueInstant: isoInstant(fields.now) },
    children: [fields.commonInput, ...(fields.routing !== undefined ? [fields.routing] : []), fields.detail],
  };
}

/** xs:dateTime to the second, in UTC. */
export function isoInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
