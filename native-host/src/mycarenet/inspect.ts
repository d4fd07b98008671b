import { readFileSync, statSync } from 'node:fs';
import type { MemberSubject } from '../../../src/shared/domain/insurability.js';
import { AppError } from '../../../src/shared/errors.js';
import { childElements, descendants, firstChild, pathFrom, serialize, textOf } from '../ehealth/xml/dom.js';
import { NS } from '../ehealth/xml/namespaces.js';
import { parseXml } from '../ehealth/xml/parse.js';
import { AssertionShapeRejected, readAssertionParts } from '../ehealth/sts/assertion.js';
import { SignatureRejected, verifyEnvelopedSignature } from '../ehealth/xml/verify.js';
import { readEncryptedKnownContent } from './commons/encrypted-known-content.js';
import { MCN_NS } from './commons/namespaces.js';
import { readSendTransactionResponse } from './eattest/send-response.js';
import { ASSERTION_TYPES, SUBJECT_FORMATS } from './memberdata/attribute-names.js';
import { readDmgHolder, readInsurability, readPalliativeStatus } from './memberdata/insurability-reader.js';
import { readMemberDataAnswer, type MemberDataAnswer } from './memberdata/saml-response.js';
import { checkStatus } from './memberdata/status.js';
import { readTariffAnswer } from './tarification/tariff-response.js';

/**
 * `eattest-host inspect FILE`: reads a message a clinician or support saved (a decrypted MemberData
 * answer, a Tarification answer, an STS assertion, an eAttest send answer), with the same readers
 * the host uses, and says what it found. A SOAP envelope or an EncryptedKnownContent is unwrapped.
 */

export class NotRecognised extends Error {
  override readonly name = 'NotRecognised';
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function inspectFile(path: string): Record<string, unknown> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    // A mistyped name is the reader's slip: said plainly (exit 2), not a stack trace.
    throw new NotRecognised(`${path} cannot be read (${error instanceof Error && 'code' in error ? String(error.code) : 'unknown'})`);
  }
  if (size > MAX_FILE_BYTES) throw new NotRecognised(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
  let root: Element;
  try {
    root = parseXml(readFileSync(path, 'utf8'), MAX_FILE_BYTES).documentElement;
  } catch (error) {
    throw new NotRecognised(`${path} is not readable XML (${error instanceof Error ? error.message : 'unknown'})`);
  }
  return inspectElement(root);
}

function inspectElement(root: Element): Record<string, unknown> {
  const key = `${root.namespaceURI ?? ''}|${root.localName}`;
  switch (key) {
    case `${NS.soap}|Envelope`: {
      const body = firstChild(root, NS.soap, 'Body');
      const content = body === undefined ? [] : childElements(body);
      if (content.length !== 1 || content[0] === undefined) throw new NotRecognised('a SOAP envelope without exactly one body element');
      return inspectElement(content[0]);
    }
    case `${MCN_NS.encrypted}|EncryptedKnownContent`: {
      const known = readEncryptedKnownContent(Buffer.from(serialize(root), 'utf8'), 'EncryptedKnownContent');
      return inspectElement(parseXml(Buffer.from(known.businessContent).toString('utf8')).documentElement);
    }
    case `${MCN_NS.saml2p}|Response`:
      return memberData(root);
    case `${MCN_NS.msProtocol}|RetrieveTransactionResponse`: {
      const answer = readTariffAnswer(Buffer.from(serialize(root), 'utf8'));
      return { kind: 'tarification-response', acknowledge: answer.acknowledge, lines: answer.lines };
    }
    case `${MCN_NS.msProtocol}|SendTransactionResponse`:
      return { kind: 'eattest-send-response', ...readSendTransactionResponse(Buffer.from(serialize(root), 'utf8')) };
    case `${NS.samlp}|Response`: {
      const assertions = childElements(root, NS.saml, 'Assertion');
      if (assertions.length !== 1 || assertions[0] === undefined) throw new NotRecognised('an STS response without exactly one assertion');
      return stsAssertion(assertions[0]);
    }
    case `${NS.saml}|Assertion`:
      return stsAssertion(root);
    default:
      throw new NotRecognised(`a ${root.localName} in ${root.namespaceURI ?? 'no namespace'} is not a message eattest-host reads`);
  }
}

function memberData(root: Element): Record<string, unknown> {
  const answer = readMemberDataAnswer(Buffer.from(serialize(root), 'utf8'));
  const result: Record<string, unknown> = {
    kind: 'memberdata-response',
    issuer: answer.issuer,
    inResponseTo: answer.inResponseTo,
    status: answer.status,
    assertions: answer.assertions.map((assertion) => ({ ...assertion, attributes: Object.fromEntries(assertion.attributes) })),
    ...(answer.skipped.length > 0 ? { skipped: answer.skipped } : {}),
  };
  try {
    const warnings = checkStatus(answer.status);
    if (warnings.length > 0) result['warnings'] = warnings;
    const patient = subjectOf(answer);
    if (patient === undefined) return result;
    const patientData = answer.assertions.find((assertion) => assertion.type === ASSERTION_TYPES.patientData);
    // The day asked about is not in the answer: the window's first day stands for it.
    const date = patientData?.notBefore?.slice(0, 10);
    if (patientData !== undefined && date !== undefined) result['insurability'] = readInsurability(answer, { patient, date, consultedAt: new Date() }, warnings);
    if (answer.assertions.some((assertion) => assertion.type === ASSERTION_TYPES.globalMedicalFile)) result['dmgHolder'] = readDmgHolder(answer, patient);
    if (answer.assertions.some((assertion) => assertion.type === ASSERTION_TYPES.palliativeStatus)) result['palliativeStatus'] = readPalliativeStatus(answer, patient);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    result['error'] = error.toPayload();
  }
  return result;
}

/** The patient an answer is about, as its assertions name them (an SSIN, or REGNR@MUT). */
function subjectOf(answer: MemberDataAnswer): MemberSubject | undefined {
  const named = answer.assertions.find((assertion) => assertion.subjectId !== undefined);
  if (named?.subjectId === undefined) return undefined;
  if (named.subjectFormat === SUBJECT_FORMATS.registrationNumber) {
    const [registrationNumber = '', mutuality = ''] = named.subjectId.split('@');
    return { registrationNumber, mutuality };
  }
  return { ssin: named.subjectId };
}

function stsAssertion(assertion: Element): Record<string, unknown> {
  const xml = serialize(assertion);
  const standalone = parseXml(xml).documentElement;
  const attributes: Record<string, string[]> = {};
  for (const attribute of descendants(standalone, NS.saml, 'Attribute')) {
    const name = attribute.getAttribute('AttributeName') ?? '';
    attributes[name] = childElements(attribute, NS.saml, 'AttributeValue').map((value) => textOf(value) ?? '');
  }
  const conditions = firstChild(standalone, NS.saml, 'Conditions');
  let signature: Record<string, unknown>;
  try {
    const signer = verifyEnvelopedSignature(standalone, 'AssertionID');
    signature = { valid: true, signer: signer.subject.split('\n').join(', '), note: 'the signer is not judged against a trust anchor here' };
  } catch (error) {
    signature = { valid: false, reason: error instanceof SignatureRejected ? error.message : 'unreadable' };
  }
  const holder = textOf(descendants(standalone, NS.ds, 'X509Certificate')[0]);
  // The attributes above are every one in the file; the host reads only those of the signed places.
  let shape: Record<string, unknown> = { readable: true };
  try {
    readAssertionParts(standalone);
  } catch (error) {
    if (!(error instanceof AssertionShapeRejected)) throw error;
    shape = { readable: false, reason: error.reason, message: error.message };
  }
  return {
    kind: 'sts-assertion',
    assertionId: standalone.getAttribute('AssertionID'),
    issuer: standalone.getAttribute('Issuer'),
    notBefore: conditions?.getAttribute('NotBefore') ?? null,
    notOnOrAfter: conditions?.getAttribute('NotOnOrAfter') ?? null,
    holderOfKey: holder !== undefined,
    nameIdentifier: textOf(pathFrom(standalone, [[NS.saml, 'AttributeStatement'], [NS.saml, 'Subject'], [NS.saml, 'NameIdentifier']])) ?? null,
    attributes,
    signature,
    shape,
  };
}
