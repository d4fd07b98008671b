import { AppError } from '../../../../src/shared/errors.js';
import { childElements, firstChild, textOf } from '../../ehealth/xml/dom.js';
import { MCN_NS } from './namespaces.js';

/**
 * The kmehr `acknowledge` of a messageservices answer (PROTOCOL §2.7 layer 2): whether the request
 * was processed completely, and the errors with their code, description and the XPath of the
 * request element they point at.
 */
export interface KmehrError {
  code: string;
  /** The code system: CD-ERROR, or CD-REFUSAL-MYCARENET for refusals. */
  scheme: string;
  description?: string;
  url?: string;
}

export interface Acknowledge {
  isComplete: boolean;
  errors: KmehrError[];
}

const MAX_ERRORS = 50;

export function readAcknowledge(root: Element, what: string): Acknowledge {
  const bad = (message: string) => new AppError('MYCARENET_BAD_ANSWER', `${what}: ${message}`);
  const acknowledges = childElements(root, MCN_NS.msCore, 'acknowledge');
  const acknowledge = acknowledges[0];
  if (acknowledges.length !== 1 || acknowledge === undefined) throw bad('expected one acknowledge');
  const complete = textOf(firstChild(acknowledge, MCN_NS.msCore, 'iscomplete'));
  if (complete !== 'true' && complete !== 'false') throw bad('acknowledge/iscomplete is not a boolean');
  const errorElements = childElements(acknowledge, MCN_NS.msCore, 'error');
  if (errorElements.length > MAX_ERRORS) throw bad('too many errors');
  const errors = errorElements.map((error) => {
    const cd = firstChild(error, MCN_NS.kmehr, 'cd');
    const code = textOf(cd);
    if (cd === undefined || code === undefined || !/^[\w-]{1,20}$/.test(code)) throw bad('an error has no readable code');
    const description = textOf(firstChild(error, MCN_NS.kmehr, 'description'))?.slice(0, 500);
    const url = textOf(firstChild(error, MCN_NS.kmehr, 'url'))?.slice(0, 300);
    return {
      code,
      scheme: (cd.getAttribute('S') ?? '').slice(0, 40),
      ...(description !== undefined && description !== '' ? { description } : {}),
      ...(url !== undefined && url !== '' ? { url } : {}),
    };
  });
  return { isComplete: complete === 'true', errors };
}
