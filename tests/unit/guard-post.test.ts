import { describe, expect, it } from 'vitest';
import { childElements, descendants, firstChild, newDocument, serialize, textOf } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import type { CareProvider } from '../../native-host/src/mycarenet/commons/care-provider.js';
import { commonInput } from '../../native-host/src/mycarenet/commons/common-input.js';
import { MCN_NS, commonsCoreNs } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { DEVELOPMENT_PACKAGE } from '../../native-host/src/mycarenet/commons/software-package.js';
import { attestationKmehr, cancellationKmehr } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { readKmehrSendRequest } from '../../simulator/src/eattest/kmehr-request.js';
import { judgeCancel, judgeSend } from '../../simulator/src/eattest/rules.js';
import { AttestationStore } from '../../simulator/src/eattest/store.js';
import type { Caller } from '../../simulator/src/front.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { AppError } from '../../src/shared/errors.js';
import { requireSchemas, validateXsd } from '../conformance/judges.js';

/**
 * A guard post's messages: the CommonInput names it as an Organization (quality "guardpost"), the
 * kmehr request and header are the guard post's (its NIHII padded to 11, CD-HCPARTY guardpost, its
 * name, no INSS), and the cga and every cgd are authored by the physician on duty who gave the care
 * (FHC EattestV3ServiceImpl). The simulator's rules accept it, and refuse a cga author who is not
 * a physician.
 */

const guardPost: CareProvider = { nihii11: '90099011000', profession: 'guardPost', holder: { type: 'NIHII-GUARDPOST', value: '90099011' }, name: 'WACHTPOST TEST' };
const onDuty = { nihii11: '19910140004', ssin: '78031412448', firstName: 'Anna', lastName: 'Peeters' };
const NOW = new Date('2026-02-12T09:15:30Z');
const TODAY = '2026-02-12';
const REFERENCE = '26021210153000';
const KMEHR_XSD = 'ehealth-messageservices/XSD/messageservices_protocol-1_2-kmehr-1_34.xsd';
const caller = { nihii11: guardPost.nihii11, profession: 'guardPost' } as Caller;

const attestation: Attestation = {
  patient: { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' },
  careDate: TODAY,
  collectingEntityCbe: '0820563481',
  patientPaidCents: 600,
  performer: onDuty,
  acts: [{ code: '101076', quantity: 1, serviceDate: TODAY, amountPaidCents: 600 }],
};

const fields = { provider: guardPost, reference: REFERENCE, now: NOW };
const kmehrText = Buffer.from(attestationKmehr(fields, attestation)).toString('utf8');

/** Each hcparty's ids, cd and names as `S=value` lines. */
function described(hcparty: Element | undefined): string[] {
  if (hcparty === undefined) return [];
  return childElements(hcparty).map((child) => `${child.getAttribute('S') ?? child.localName}=${textOf(child) ?? ''}`);
}

const hcpartyOf = (parent: Element | undefined) => (parent === undefined ? undefined : descendants(parent, MCN_NS.kmehr, 'hcparty')[0]);

describe('a guard post’s CommonInput', () => {
  it('names the guard post as an Organization with its NIHII and name, and no SSIN', () => {
    const core = commonsCoreNs(4);
    const built = parseXml(serialize(newDocument(commonInput({ version: 4, isTest: true, inputReference: REFERENCE, softwarePackage: DEVELOPMENT_PACKAGE, provider: guardPost, attemptNbr: 1 })))).documentElement;
    const careProvider = descendants(built, core, 'CareProvider')[0] as Element;
    expect(childElements(careProvider).map((child) => child.localName)).toEqual(['Nihii', 'Organization']);
    const organisation = firstChild(careProvider, core, 'Organization') as Element;
    expect(childElements(organisation).map((child) => child.localName)).toEqual(['Name', 'Nihii']);
    expect(textOf(firstChild(organisation, core, 'Name'))).toBe('WACHTPOST TEST');
    expect(descendants(careProvider, core, 'Quality').map((quality) => textOf(quality))).toEqual(['guardpost', 'guardpost']);
    expect(descendants(careProvider, core, 'Value').map((value) => textOf(value))).toEqual([guardPost.nihii11, guardPost.nihii11]);
    expect(descendants(built, core, 'Ssin')).toEqual([]);
  });
});

describe('a guard post’s eAttest kmehr', () => {
  const document = parseXml(kmehrText);

  it('is the guard post’s request and header, and the physician on duty’s cga and cgd', () => {
    const guardPostParty = [`ID-HCPARTY=${guardPost.nihii11}`, 'CD-HCPARTY=guardpost', 'name=WACHTPOST TEST'];
    expect(described(hcpartyOf(descendants(document, MCN_NS.msCore, 'author')[0]))).toEqual(guardPostParty);
    expect(described(hcpartyOf(descendants(document, MCN_NS.kmehr, 'sender')[0]))).toEqual(guardPostParty);
    const physician = [`ID-HCPARTY=${onDuty.nihii11}`, `INSS=${onDuty.ssin}`, 'CD-HCPARTY=persphysician', 'firstname=Anna', 'familyname=Peeters'];
    const transactions = descendants(document, MCN_NS.kmehr, 'transaction');
    expect(transactions.map((transaction) => described(hcpartyOf(firstChild(transaction, MCN_NS.kmehr, 'author'))))).toEqual([physician, physician]);
    expect(textOf(descendants(document, MCN_NS.msCore, 'id')[0])).toBe(`${guardPost.nihii11}.${REFERENCE}`);
  });

  it('validates against the kmehr 1.34 XSDs', () => {
    requireSchemas();
    const result = validateXsd(kmehrText, KMEHR_XSD);
    expect(result.ok, result.output).toBe(true);
  });

  it('is refused by the builder without the physician on duty, and for a physician with one', () => {
    const withoutPerformer: Attestation = { ...attestation };
    delete withoutPerformer.performer;
    expect(() => attestationKmehr(fields, withoutPerformer)).toThrow(AppError);
    expect(() => attestationKmehr({ ...fields, provider: { nihii11: onDuty.nihii11, ssin: onDuty.ssin, profession: 'doctor' } }, attestation)).toThrow(AppError);
  });

  it('is accepted by the simulator, which records the physician on duty; a cga author who is not a physician gets 140', () => {
    const judge = (text: string) => judgeSend({ request: readKmehrSendRequest(Buffer.from(text)), caller, inputReference: REFERENCE, routing: { ssin: attestation.patient.ssin }, today: TODAY, store: new AttestationStore() });
    expect(judge(kmehrText)).toMatchObject({ errors: [], performerNihii11: onDuty.nihii11 });
    // The guard post itself as the author of the care: not a physician.
    const byTheGuardPost = kmehrText.replaceAll(`>${onDuty.nihii11}<`, `>${guardPost.nihii11}<`).replaceAll('>persphysician<', '>guardpost<');
    expect(judge(byTheGuardPost).errors.map((error) => error.code)).toEqual(['140']);
  });

  it('is cancelled in the guard post’s name', () => {
    const bytes = Buffer.from(cancellationKmehr(fields, { patientSsin: '85041213359', acknowledgementNumber: '100-1-260212-0000001-42', reason: 'C' }));
    const request = readKmehrSendRequest(bytes);
    expect(request.transactions[0]?.author).toMatchObject({ nihii11: guardPost.nihii11, cd: 'guardpost' });
    const store = new AttestationStore();
    store.add({ acknowledgementNumber: '100-1-260212-0000001-42', insurer: '100', providerNihii11: guardPost.nihii11, performerNihii11: onDuty.nihii11, inputReference: 'x', patientSsin: '85041213359', acts: [], acceptedAt: TODAY, attempts: [1], kmehrDigest: '' });
    expect(judgeCancel(request, caller, TODAY, store)).toMatchObject({ errors: [] });
    const result = validateXsd(bytes.toString('utf8'), KMEHR_XSD);
    expect(result.ok, result.output).toBe(true);
  });
});
