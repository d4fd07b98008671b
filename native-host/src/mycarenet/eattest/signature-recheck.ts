import type { X509Certificate } from 'node:crypto';
import type { SignatureCheck } from '../../../../src/shared/domain/receipt.js';
import { AppError } from '../../../../src/shared/errors.js';
import { descendants } from '../../ehealth/xml/dom.js';
import { NS } from '../../ehealth/xml/namespaces.js';
import { parseXml } from '../../ehealth/xml/parse.js';
import { isEntryOfKind, type InsurerSignatureEvidence, type JournalEntry } from '../../journal/entry.js';
import { verifyInsurerSignature } from './insurer-signature.js';
import { loadSendRecord } from '../../transmission/send-records.js';

/**
 * `eattest-host journal --recheck-signatures`: every insurer signature the journal keeps as
 * evidence, verified again with today's trust store, e.g. once the platform's CAs are configured,
 * for an answer accepted as `unverified`. The request each signature also binds is taken from the
 * journal (a cancellation's signed kmehr) or from the send record (a send's kmehr), when at hand.
 */

export interface Recheck {
  seq: number;
  kind: 'send-outcome' | 'cancel-outcome';
  inputReference: string;
  recorded: SignatureCheck;
  /** The check today, or why it cannot be made. */
  now: { check: SignatureCheck } | { refused: string } | { cannot: string };
}

const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

/** The Ids the signature references besides the answer and its own SignedProperties: our request's. */
function requestIds(signatureXml: string, contentId: string): string[] {
  const signature = parseXml(signatureXml).documentElement;
  return descendants(signature, NS.ds, 'Reference')
    .filter((reference) => reference.getAttribute('Type') !== SIGNED_PROPERTIES_TYPE)
    .map((reference) => (reference.getAttribute('URI') ?? '').replace(/^#/, ''))
    .filter((id) => id !== '' && id !== contentId);
}

function describeCheck(check: SignatureCheck): string {
  return check.status === 'verified' ? 'verified' : `unverified (${check.reasons.join(', ')})`;
}

export function describeRecheck(recheck: Recheck): string {
  const today = 'check' in recheck.now ? describeCheck(recheck.now.check) : 'refused' in recheck.now ? `REFUSED: ${recheck.now.refused}` : `not rechecked: ${recheck.now.cannot}`;
  return `  entry ${recheck.seq}  ${recheck.kind === 'send-outcome' ? 'send  ' : 'cancel'}  ref ${recheck.inputReference}  recorded ${describeCheck(recheck.recorded)}  →  today ${today}`;
}

function recheckOne(evidence: InsurerSignatureEvidence, request: Uint8Array | undefined, anchors: readonly X509Certificate[], now: Date): Recheck['now'] {
  if (evidence.signature === undefined || evidence.content === undefined) return { cannot: 'the journal keeps only the hash of this answer (larger than the evidence bound)' };
  const signatureXml = Buffer.from(evidence.signature, 'base64').toString('utf8');
  let ids: string[];
  try {
    ids = requestIds(signatureXml, evidence.contentId);
  } catch {
    return { refused: 'the kept signature is not readable XML' };
  }
  const [requestId, ...more] = ids;
  if (more.length > 0) return { cannot: 'the signature references more than the answer and one request' };
  if (requestId !== undefined && request === undefined) return { cannot: 'the request this answer binds is no longer at hand' };
  try {
    const result = verifyInsurerSignature({
      signatureXml,
      content: { id: evidence.contentId, content: Buffer.from(evidence.content, 'base64'), isXml: true },
      ...(requestId !== undefined && request !== undefined ? { requestContent: { id: requestId, content: request, isXml: true } } : {}),
      anchors,
      now,
    });
    return { check: result.check };
  } catch (error) {
    if (error instanceof AppError) return { refused: error.message };
    throw error;
  }
}

export function recheckJournalSignatures(stateDir: string, entries: readonly JournalEntry[], anchors: readonly X509Certificate[], now: Date): Recheck[] {
  const cancelRequests = new Map<number, Uint8Array>();
  for (const entry of entries) if (isEntryOfKind(entry, 'cancel-intent')) cancelRequests.set(entry.seq, Buffer.from(entry.record.request, 'base64'));
  const rechecks: Recheck[] = [];
  for (const entry of entries) {
    if (!isEntryOfKind(entry, 'send-outcome') && !isEntryOfKind(entry, 'cancel-outcome')) continue;
    const { record } = entry;
    const evidence = record.insurerSignature;
    if (evidence === undefined) continue;
    const request = record.kind === 'cancel-outcome' ? cancelRequests.get(record.intentSeq) : loadSendRecord(stateDir, record.inputReference)?.sealed.kmehr;
    rechecks.push({ seq: entry.seq, kind: record.kind, inputReference: record.inputReference, recorded: evidence.check, now: recheckOne(evidence, request, anchors, now) });
  }
  return rechecks;
}
