import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCertificateCli } from '../../native-host/src/certificate/cli.js';
import { ConfigError, loadConfig, supervisorFor } from '../../native-host/src/config.js';
import { childElements, descendants, firstChild, serialize, textOf } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { MCN_NS } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { attestationKmehr, cancellationKmehr } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { identities } from '../../simulator/pki/identities.js';
import { readKmehrSendRequest } from '../../simulator/src/eattest/kmehr-request.js';
import { judgeCancel, judgeSend } from '../../simulator/src/eattest/rules.js';
import { AttestationStore } from '../../simulator/src/eattest/store.js';
import type { Caller } from '../../simulator/src/front.js';
import { attestationSchema, type Attestation } from '../../src/shared/domain/attestation.js';
import { AppError } from '../../src/shared/errors.js';

/**
 * A physician in training signs in with their own certificate; their supervisor attests (cga, cgd and
 * cancellation authors) and every act names the trainee ("internship"), as FHC's EattestV3ServiceImpl
 * sends it. An act may name the patient's DMG holder ("gmdmanager"). The simulator, reading the kmehr
 * with its own code, accepts that shape and refuses its faults with the catalogue's codes.
 */

const K = MCN_NS.kmehr;
const trainee = identities.traineeDoctor;
const gp = identities.doctorRsa;
const provider = { nihii11: trainee.nihii11, ssin: trainee.ssin, profession: 'doctor' as const, givenName: trainee.givenName, surname: trainee.surname };
const supervisor = { nihii11: gp.nihii11, ssin: gp.ssin, firstName: gp.givenName, lastName: gp.surname };
const traineeCaller = { ssin: trainee.ssin, nihii11: trainee.nihii11, profession: 'doctor' } as Caller;
const NOW = new Date('2026-02-12T09:15:30Z');
const TODAY = '2026-02-12';
const REFERENCE = '26021210153000';
/** The scenario patient "inOrder", whose DMG holder is Dr Dupont (simulator/src/scenarios.ts). */
const PATIENT = { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' };
const DMG_HOLDER = '19910140004';
const OTHER_GP = '19910239004';

function consultation(acts: number, dmgHolderNihii?: string): Attestation {
  return attestationSchema.parse({
    patient: PATIENT,
    careDate: TODAY,
    collectingEntityCbe: '0820563481',
    patientPaidCents: 600 * acts,
    acts: ['101076', '102432'].slice(0, acts).map((code) => ({ code, quantity: 1, serviceDate: TODAY, amountPaidCents: 600, ...(dmgHolderNihii !== undefined ? { dmgHolderNihii } : {}) })),
  });
}

function kmehrOf(attestation: Attestation, withSupervisor = true): string {
  return Buffer.from(attestationKmehr({ provider, reference: REFERENCE, now: NOW, ...(withSupervisor ? { supervisor } : {}) }, attestation)).toString('utf8');
}

/** ID-HCPARTY, INSS, CD-HCPARTY and names of an element's hcparty. */
function party(holder: Element | undefined): Record<string, string | undefined> {
  const hcparty = holder === undefined ? undefined : descendants(holder, K, 'hcparty')[0];
  if (hcparty === undefined) return {};
  const id = (scheme: string) => textOf(childElements(hcparty, K, 'id').find((candidate) => candidate.getAttribute('S') === scheme));
  return { nihii: id('ID-HCPARTY'), ssin: id('INSS'), cd: textOf(firstChild(hcparty, K, 'cd')), firstName: textOf(firstChild(hcparty, K, 'firstname')), lastName: textOf(firstChild(hcparty, K, 'familyname')) };
}

const transactions = (xml: string) => descendants(parseXml(xml), K, 'transaction');
const authorOf = (transaction: Element) => party(firstChild(transaction, K, 'author'));
const itemsOf = (transaction: Element, kind: string) => childElements(transaction, K, 'item').filter((item) => textOf(firstChild(item, K, 'cd')) === kind);

function judged(xml: string, caller: Caller = traineeCaller, store = new AttestationStore()): string[] {
  const request = readKmehrSendRequest(Buffer.from(xml));
  return judgeSend({ request, caller, inputReference: REFERENCE, routing: { ssin: request.patientSsin }, today: TODAY, store }).errors.map((error) => error.code);
}

/** The kmehr with an edit made to its DOM. */
function edited(xml: string, edit: (document: Document) => void): string {
  const document = parseXml(xml);
  edit(document);
  return serialize(document);
}
const internshipIds = (document: Document) =>
  descendants(document, K, 'item')
    .filter((item) => textOf(firstChild(item, K, 'cd')) === 'internship')
    .map((item) => descendants(item, K, 'id').find((id) => id.getAttribute('S') === 'ID-HCPARTY'));
const setText = (element: Element | undefined, value: string) => {
  if (element === undefined) throw new Error('nothing to edit');
  element.textContent = value;
};

describe('a physician in training with a supervisor configured', () => {
  const xml = kmehrOf(consultation(2));
  const [cga, ...cgds] = transactions(xml);
  const trainees = { nihii: trainee.nihii11, ssin: trainee.ssin, cd: 'persphysician', firstName: trainee.givenName, lastName: trainee.surname };
  const supervisors = { nihii: gp.nihii11, ssin: gp.ssin, cd: 'persphysician', firstName: gp.givenName, lastName: gp.surname };

  it('signs the request and the header as the trainee; the cga and every cgd are the supervisor’s', () => {
    const document = parseXml(xml);
    expect(party(descendants(document, MCN_NS.msCore, 'author')[0])).toEqual(trainees);
    expect(party(descendants(document, K, 'sender')[0])).toEqual(trainees);
    expect(cga === undefined ? {} : authorOf(cga)).toEqual(supervisors);
    expect(cgds).toHaveLength(2);
    for (const cgd of cgds) expect(authorOf(cgd)).toEqual(supervisors);
  });

  it('names the trainee in one internship item (CD-ITEM-MYCARENET) of every act, none in the cga', () => {
    for (const cgd of cgds) {
      const [item, ...more] = itemsOf(cgd, 'internship');
      expect(more).toHaveLength(0);
      expect(firstChild(item as Element, K, 'cd')?.getAttribute('S')).toBe('CD-ITEM-MYCARENET');
      expect(party(item)).toEqual(trainees);
    }
    expect(cga === undefined ? [] : itemsOf(cga, 'internship')).toHaveLength(0);
  });

  it('authors the cancellation as the supervisor too', () => {
    const cancel = Buffer.from(cancellationKmehr({ provider, reference: REFERENCE, now: NOW, supervisor }, { patientSsin: PATIENT.ssin, acknowledgementNumber: '100-1-260212-0000001-12', reason: 'C' })).toString('utf8');
    const [transaction] = transactions(cancel);
    expect(transaction === undefined ? {} : authorOf(transaction)).toEqual(supervisors);
    expect(party(descendants(parseXml(cancel), MCN_NS.msCore, 'author')[0])).toEqual(trainees);
  });

  it('is accepted by the simulator, which keeps the supervisor to judge the cancellation by', () => {
    const request = readKmehrSendRequest(Buffer.from(xml));
    const judgement = judgeSend({ request, caller: traineeCaller, inputReference: REFERENCE, routing: { ssin: PATIENT.ssin }, today: TODAY, store: new AttestationStore() });
    expect(judgement.errors).toEqual([]);
    expect(judgement.supervisorNihii11).toBe(gp.nihii11);
  });

  it('is refused when an act does not name the trainee (156), names another (140) or a malformed NIHII (111)', () => {
    const withoutSecondInternship = edited(xml, (document) => {
      const item = descendants(document, K, 'item').filter((candidate) => textOf(firstChild(candidate, K, 'cd')) === 'internship')[1];
      item?.parentNode?.removeChild(item);
    });
    expect(judged(withoutSecondInternship)).toEqual(['156']);
    expect(judged(edited(xml, (document) => setText(internshipIds(document)[0], OTHER_GP)))).toEqual(['140', '156']);
    expect(judged(edited(xml, (document) => setText(internshipIds(document)[0], '1991014000')))).toEqual(['111', '156']);
  });

  it('is refused when the attesting author is not a physician (140), differs between acts (156), or the caller is no trainee (194)', () => {
    const authors = (document: Document) =>
      descendants(document, K, 'author').map((author) => descendants(author, K, 'id').find((id) => id.getAttribute('S') === 'ID-HCPARTY'));
    expect(judged(edited(xml, (document) => authors(document).forEach((id) => setText(id, '59900617000'))))).toEqual(['140']);
    expect(judged(edited(xml, (document) => setText(authors(document)[2], OTHER_GP)))).toEqual(['156']);
    const recognisedGp = { ...traineeCaller, nihii11: `${trainee.nihii11.slice(0, 8)}004` };
    const asRecognised = xml.replaceAll(trainee.nihii11, recognisedGp.nihii11);
    expect(judged(asRecognised, recognisedGp)).toEqual(['194', '194']);
  });

  it('without the supervisor, the acts are the caller’s own: another author than the caller is refused (156)', () => {
    const own = kmehrOf(consultation(1), false);
    const [ownCga, ownCgd] = transactions(own);
    expect(ownCga === undefined ? {} : authorOf(ownCga)).toMatchObject({ nihii: trainee.nihii11 });
    expect(ownCgd === undefined ? [] : itemsOf(ownCgd, 'internship')).toHaveLength(0);
    expect(judged(own)).toEqual([]);
    const signedForAnother = edited(own, (document) => {
      for (const author of descendants(document, K, 'author')) setText(descendants(author, K, 'id')[0], OTHER_GP);
    });
    expect(judged(signedForAnother)).toEqual(['156']);
  });

  it('cancels only as the attestation was authored: by the supervisor (156 otherwise)', () => {
    const store = new AttestationStore();
    const number = store.nextNumber('100', TODAY);
    store.add({ acknowledgementNumber: number, insurer: '100', providerNihii11: trainee.nihii11, supervisorNihii11: gp.nihii11, inputReference: REFERENCE, patientSsin: PATIENT.ssin, acts: [], acceptedAt: TODAY, attempts: [1], kmehrDigest: '' });
    const cancel = (withSupervisor: boolean) =>
      readKmehrSendRequest(
        Buffer.from(cancellationKmehr({ provider, reference: REFERENCE, now: NOW, ...(withSupervisor ? { supervisor } : {}) }, { patientSsin: PATIENT.ssin, acknowledgementNumber: number, reason: 'C' })),
      );
    expect(judgeCancel(cancel(true), traineeCaller, TODAY, store).errors).toEqual([]);
    expect(judgeCancel(cancel(false), traineeCaller, TODAY, store).errors.map((error) => error.code)).toEqual(['156']);
  });
});

describe('the DMG holder of an act', () => {
  it('is sent as a gmdmanager item (CD-ITEM) naming a physician by NIHII', () => {
    const [, cgd] = transactions(kmehrOf(consultation(1, DMG_HOLDER), false));
    const [item] = cgd === undefined ? [] : itemsOf(cgd, 'gmdmanager');
    expect(firstChild(item as Element, K, 'cd')?.getAttribute('S')).toBe('CD-ITEM');
    expect(party(item)).toMatchObject({ nihii: DMG_HOLDER, cd: 'persphysician' });
    expect(itemsOf(transactions(kmehrOf(consultation(1), false))[1] as Element, 'gmdmanager')).toHaveLength(0);
  });

  it('is accepted when it is the patient’s holder the insurer knows; another is refused (167), a malformed one (111)', () => {
    expect(judged(kmehrOf(consultation(1, DMG_HOLDER), false))).toEqual([]);
    expect(judged(kmehrOf(consultation(2, OTHER_GP), false))).toEqual(['167', '167']);
    expect(judged(kmehrOf(consultation(1, DMG_HOLDER), false).replace(`>${DMG_HOLDER}<`, '>1991014000A<'))).toEqual(['111']);
  });

  it('is an 11-digit NIHII in the attestation', () => {
    expect(() => consultation(1, '1991014000')).toThrow();
  });
});

describe('the supervisor in the host configuration', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const configWith = (config: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'eattest-trainee-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return () => loadConfig(dir, {});
  };

  it('is a physician with an SSIN and names, for a doctor only', () => {
    expect(configWith({ supervisor })().supervisor).toEqual(supervisor);
    expect(configWith({ supervisor: { ...supervisor, nihii11: '59900617000' } })).toThrow(ConfigError);
    expect(configWith({ supervisor: { ...supervisor, ssin: '78031412449' } })).toThrow(/SSIN/);
    expect(configWith({ supervisor: { ...supervisor, lastName: '' } })).toThrow(ConfigError);
    expect(configWith({ profession: 'dentist', supervisor })).toThrow(/physician in training/);
  });

  it('is another physician than the one signed in', () => {
    const config = configWith({ supervisor })();
    expect(supervisorFor(config, provider)).toEqual(supervisor);
    expect(() => supervisorFor(config, { ...provider, nihii11: gp.nihii11 })).toThrow(AppError);
    expect(supervisorFor(configWith({})(), provider)).toBeUndefined();
  });
});

describe('`certificate import` with a supervisor', () => {
  async function refusal(args: readonly string[]): Promise<string> {
    let err = '';
    const code = await runCertificateCli(['import', 'trainee.p12', '--password-file', '/nonexistent', ...args], { out: () => undefined, err: (text) => (err += text), hostScript: '' });
    expect(code).toBe(2);
    return err;
  }
  const flags = ['--supervisor-nihii', gp.nihii11, '--supervisor-ssin', gp.ssin, '--supervisor-first-name', gp.givenName, '--supervisor-last-name', gp.surname];

  it('takes the four flags together, a physician’s NIHII and a valid SSIN, for a doctor only, before reading the keystore', async () => {
    expect(await refusal(flags.slice(0, 4))).toMatch(/together/);
    expect(await refusal(flags.map((flag) => (flag === gp.nihii11 ? '59900617000' : flag)))).toMatch(/supervisor is invalid: nihii11: a physician: the NIHII begins with 1/);
    expect(await refusal(flags.map((flag) => (flag === gp.ssin ? '78031412449' : flag)))).toMatch(/ssin: not a valid SSIN/);
    expect(await refusal([...flags, '--profession', 'dentist'])).toMatch(/only a physician in training/);
  });
});
