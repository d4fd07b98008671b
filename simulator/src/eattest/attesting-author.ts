import type { Caller } from '../front.js';
import { KMEHR_NS } from '../kmehr-response.js';
import { childrenNS, text } from '../xml.js';
import { itemContent, transactionPath, type KmehrItem, type KmehrTransaction } from './kmehr-request.js';

/**
 * Who attests (catalogue uids 43–51, 95–98): the cga's and every cgd's author is the caller, or,
 * for a physician in training, their supervisor, when every cgd names the caller in an
 * "internship" item (PROTOCOL §8.2; FHC EattestV3ServiceImpl puts the supervisor there). The
 * simulator's own reading of the catalogue: a supervisor is another physician (NIHII beginning
 * with 1) and the trainee's NIHII carries a GP-in-training qualification.
 */

export interface AuthorRefusal {
  code: string;
  url: string;
}

/**
 * Qualification codes of a GP in training [I]: INAMI gives a trainee a NIHII "ending with the
 * qualification code of a physician in training" (inami.fgov.be, "Een RIZIV-nummer krijgen") and a
 * recognised GP 003/004 (Domus Medica); 005/006 for the trainee is an assumption.
 */
const TRAINEE_QUALIFICATIONS: ReadonlySet<string> = new Set(['005', '006']);

const NIHII11 = /^\d{11}$/;

/** The ID-HCPARTY of an item's content/hcparty. */
function namedNihii(item: KmehrItem): Element | undefined {
  const hcparty = itemContent(item, 'hcparty');
  return hcparty === undefined ? undefined : childrenNS(hcparty, KMEHR_NS, 'id').find((id) => id.getAttribute('S') === 'ID-HCPARTY');
}

export interface AttestingAuthor {
  errors: AuthorRefusal[];
  /** The supervisor who attests for the caller, when the caller is a physician in training. */
  supervisorNihii11?: string;
  /** The physician on duty who gave the care a guard post attests. */
  performerNihii11?: string;
}

/**
 * A guard post attests the care of its physician on duty (FHC EattestV3ServiceImpl): the cga's
 * and every cgd's author is a physician (NIHII beginning with 1, persphysician, with an INSS), never
 * the guard post itself; the simulator's own reading of catalogue code 140 ("author not entitled").
 */
function judgeGuardPostAuthor(cga: KmehrTransaction, errors: AuthorRefusal[]): AttestingAuthor {
  const { author } = cga;
  const url = transactionPath(cga, '/author/hcparty/id');
  if (author.ssin === undefined) errors.push({ code: '100', url: transactionPath(cga, '/author/hcparty') });
  else if (!/^\d{11}$/.test(author.ssin)) errors.push({ code: '111', url });
  else if (!(author.nihii11 ?? '').startsWith('1') || author.cd !== 'persphysician') errors.push({ code: '140', url });
  return errors.length === 0 ? { errors, performerNihii11: author.nihii11 ?? '' } : { errors };
}

export function judgeAttestingAuthor(caller: Caller, cga: KmehrTransaction, details: readonly KmehrTransaction[]): AttestingAuthor {
  const errors: AuthorRefusal[] = [];
  const authorUrl = (transaction: KmehrTransaction, rest = '') => transactionPath(transaction, `/author/hcparty${rest}`);
  for (const transaction of [cga, ...details]) {
    const nihii = transaction.author.nihii11;
    if (nihii === undefined) errors.push({ code: '100', url: authorUrl(transaction) });
    else if (!NIHII11.test(nihii)) errors.push({ code: '111', url: authorUrl(transaction, '/id') });
  }
  if (errors.length > 0) return { errors };

  // Every act is attested by the cga's author (no catalogue code of its own: 156, inconsistent).
  for (const transaction of details) {
    if (transaction.author.nihii11 !== cga.author.nihii11) errors.push({ code: '156', url: authorUrl(transaction, '/id') });
  }
  if (caller.profession === 'guardPost') return judgeGuardPostAuthor(cga, errors);
  const attesting = cga.author.nihii11 ?? '';
  const supervised = attesting !== caller.nihii11;
  let everyActNamesTheCaller = true;
  for (const transaction of details) {
    const item = transaction.items.find((candidate) => candidate.kind === 'CD-ITEM-MYCARENET|internship');
    if (item === undefined) {
      everyActNamesTheCaller = false;
      continue;
    }
    const url = transactionPath(transaction, `/item[${item.position}]/content/hcparty/id`);
    const trainee = namedNihii(item);
    everyActNamesTheCaller &&= trainee !== undefined && text(trainee) === caller.nihii11;
    if (trainee === undefined || !NIHII11.test(text(trainee))) errors.push({ code: '111', url });
    else if (text(trainee) !== caller.nihii11) errors.push({ code: '140', url });
    else if (!supervised) errors.push({ code: '156', url });
    else if (caller.profession !== 'doctor' || !TRAINEE_QUALIFICATIONS.has(caller.nihii11.slice(8))) errors.push({ code: '194', url });
  }
  if (!supervised) return { errors };
  // Another author than the caller: only a supervising physician, for a trainee named in every act.
  if (!everyActNamesTheCaller) errors.push({ code: '156', url: authorUrl(cga, '/id') });
  else if (!attesting.startsWith('1') || cga.author.cd !== 'persphysician') errors.push({ code: '140', url: authorUrl(cga, '/id') });
  return errors.length === 0 ? { errors, supervisorNihii11: attesting } : { errors };
}

/** A cancellation is authored as its attestation was: by the supervisor who attested it, else by the caller. */
export function judgeCancelAuthor(transaction: KmehrTransaction, caller: Caller, attested: { supervisorNihii11?: string }): AuthorRefusal[] {
  const nihii = transaction.author.nihii11;
  const url = transactionPath(transaction, '/author/hcparty');
  if (nihii === undefined) return [{ code: '100', url }];
  if (!NIHII11.test(nihii)) return [{ code: '111', url: `${url}/id` }];
  const expected = attested.supervisorNihii11 ?? caller.nihii11;
  return nihii === expected ? [] : [{ code: '156', url: `${url}/id` }];
}
