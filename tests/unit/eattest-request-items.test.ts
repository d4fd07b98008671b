import { describe, expect, it } from 'vitest';
import { childElements, descendants, firstChild, serialize, textOf } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { MCN_NS } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { attestationKmehr } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { readKmehrSendRequest } from '../../simulator/src/eattest/kmehr-request.js';
import { judgeSend } from '../../simulator/src/eattest/rules.js';
import { AttestationStore } from '../../simulator/src/eattest/store.js';
import type { Caller } from '../../simulator/src/front.js';
import { attestationSchema, recordedAttestationSchema, type Attestation } from '../../src/shared/domain/attestation.js';
import { dentistWithTooth, physiotherapyWithPrescriber, specialistInHospital } from '../support/eattest-cases.js';

/**
 * Each item the references send (issue 12 §2) is asserted in the kmehr the host emits, and the
 * simulator, reading that kmehr with its own code, refuses the request once the item is taken out,
 * with the code of the insurers' catalogue (eAttestErrors.json) where it has one.
 */

const provider = { nihii11: '19910140004', ssin: '78031412448', profession: 'doctor' as const, givenName: 'Anna', surname: 'Peeters' };
const caller = { ssin: provider.ssin, nihii11: provider.nihii11, profession: 'doctor' } as Caller;
const NOW = new Date('2026-02-12T09:15:30Z');
const TODAY = '2026-02-12';
const REFERENCE = '26021210153000';
const K = MCN_NS.kmehr;

function kmehrOf(attestation: Attestation): string {
  return Buffer.from(attestationKmehr({ provider, reference: REFERENCE, now: NOW }, attestationSchema.parse(attestation))).toString('utf8');
}

/** The first act's (cgd's) items by their cd value. */
function actItems(xml: string): Map<string, Element> {
  const cgd = descendants(parseXml(xml), K, 'transaction')[1];
  if (cgd === undefined) throw new Error('no cgd');
  return new Map(childElements(cgd, K, 'item').map((item) => [textOf(firstChild(item, K, 'cd')) ?? '', item]));
}

/** `S` or `SL` = value of every cd under an element, in document order. */
function codes(element: Element | undefined): string[] {
  return element === undefined ? [] : descendants(element, K, 'cd').map((cd) => `${cd.getAttribute('SL') ?? cd.getAttribute('S') ?? ''}=${textOf(cd) ?? ''}`);
}

function judged(xml: string, options: { reference?: string; identityReadingRequiredBy?: ReadonlySet<string> } = {}): string[] {
  const request = readKmehrSendRequest(Buffer.from(xml));
  return judgeSend({
    request,
    caller,
    inputReference: options.reference ?? REFERENCE,
    routing: { ssin: request.patientSsin },
    today: TODAY,
    store: new AttestationStore(),
    ...(options.identityReadingRequiredBy !== undefined ? { identityReadingRequiredBy: options.identityReadingRequiredBy } : {}),
  }).errors.map((error) => error.code);
}

function firstAct(attestation: Attestation): Attestation['acts'][number] {
  const act = attestation.acts[0];
  if (act === undefined) throw new Error('no act');
  return act;
}

/** The kmehr with the first element the choice finds taken out (the simulator must then refuse it). */
function without(xml: string, choose: (document: Document) => Element | undefined): string {
  const document = parseXml(xml);
  const element = choose(document);
  if (element?.parentNode === null || element === undefined) throw new Error('nothing to take out');
  element.parentNode.removeChild(element);
  return serialize(document);
}
const contentWithCd = (label: string) => (document: Document) => descendants(document, K, 'cd').find((cd) => (cd.getAttribute('SL') ?? cd.getAttribute('S')) === label)?.parentNode as Element | undefined;
const itemOfKind = (kind: string) => (document: Document) => descendants(document, K, 'item').find((item) => textOf(firstChild(item, K, 'cd')) === kind);
const requestorDate = (document: Document) => {
  const item = itemOfKind('requestor')(document);
  return item === undefined ? undefined : childElements(item, K, 'content').find((content) => firstChild(content, K, 'date') !== undefined);
};

describe('a physiotherapist’s prescribed session', () => {
  const xml = kmehrOf(physiotherapyWithPrescriber(TODAY, '2026-02-02'));
  const items = actItems(xml);

  it('names the prescriber with the prescription date and NIHDI-REQUESTOR-NORM; the claim norm stays the pricing norm 0', () => {
    const requestor = items.get('requestor');
    expect(textOf(descendants(requestor as Element, K, 'id').find((id) => id.getAttribute('S') === 'ID-HCPARTY'))).toBe('19910239004');
    expect(textOf(descendants(requestor as Element, K, 'date')[0])).toBe('2026-02-02');
    expect(codes(requestor)).toContain('NIHDI-REQUESTOR-NORM=1');
    expect(codes(items.get('claim'))).toEqual(['CD-ITEM=claim', 'CD-NIHDI=560652', 'NIHDI-CLAIM-NORM=0', 'NIHDI-TREATED-LIMB=1']);
    expect(judged(xml)).toEqual([]);
  });

  it('is refused without the prescription date (218), the requestor norm (100), the requestor (217) or the treated limb (237)', () => {
    expect(judged(without(xml, requestorDate))).toEqual(['218']);
    expect(judged(without(xml, contentWithCd('NIHDI-REQUESTOR-NORM')))).toEqual(['100']);
    expect(judged(without(xml, itemOfKind('requestor')))).toEqual(['217']);
    expect(judged(without(xml, contentWithCd('NIHDI-TREATED-LIMB')))).toEqual(['237']);
  });

  it('cannot be built with a prescriber and no date, nor a self-prescription naming a prescriber', () => {
    const base = physiotherapyWithPrescriber(TODAY, '2026-02-02');
    const act = firstAct(base);
    expect(attestationSchema.safeParse({ ...base, acts: [{ ...act, prescriptionDate: undefined }] }).success).toBe(false);
    expect(attestationSchema.safeParse({ ...base, acts: [{ ...act, prescriberNorm: '3' }] }).success).toBe(false);
    expect(attestationSchema.safeParse({ ...base, acts: [{ ...act, prescriptionDate: '2026-02-13' }] }).success).toBe(false);
  });
});

describe('a dentist’s act on a tooth, with the eID read', () => {
  const xml = kmehrOf(dentistWithTooth(TODAY));
  const items = actItems(xml);
  const insurerWantsReading = new Set(['100']);

  it('carries the tooth as CD-ISO-3950 in the claim, and the reading (date, time, input and media type, card number) in documentidentity', () => {
    expect(codes(items.get('claim'))).toEqual(['CD-ITEM=claim', 'CD-NIHDI=374636', 'NIHDI-CLAIM-NORM=0', 'CD-ISO-3950=36']);
    const reading = items.get('documentidentity') as Element;
    expect(codes(reading)).toEqual(['CD-ITEM-MYCARENET=documentidentity', 'NIHDI-ID-DOC-INPUT-TYPE=1', 'NIHDI-ID-DOC-MEDIA-TYPE=1']);
    expect([textOf(descendants(reading, K, 'date')[0]), textOf(descendants(reading, K, 'time')[0]), textOf(descendants(reading, K, 'text')[0])]).toEqual([TODAY, '09:12:40', '592123456789']);
    expect(judged(xml, { identityReadingRequiredBy: insurerWantsReading })).toEqual([]);
    // The side a dental chart gives is the tooth's quadrant, not a treated limb.
    const withSide = dentistWithTooth(TODAY);
    expect(codes(actItems(kmehrOf({ ...withSide, acts: [{ ...firstAct(withSide), side: 'left' }] })).get('claim'))).not.toContain('NIHDI-TREATED-LIMB=1');
  });

  it('is refused without the tooth (100), and by an insurer that wants it without the reading (222) or a complete one (224, 229)', () => {
    expect(judged(without(xml, contentWithCd('CD-ISO-3950')))).toEqual(['100']);
    const noReading = without(xml, itemOfKind('documentidentity'));
    expect(judged(noReading)).toEqual([]);
    expect(judged(noReading, { identityReadingRequiredBy: insurerWantsReading })).toEqual(['222']);
    expect(judged(without(xml, (document) => descendants(document, K, 'time').at(-1)))).toEqual(['224']);
    expect(judged(without(xml, (document) => descendants(document, K, 'text')[0]?.parentNode as Element))).toEqual(['229']);
  });

  it('keeps the reading whole: a manual input with its reason, a reading on the day of care', () => {
    const base = dentistWithTooth(TODAY);
    const reading = base.identityReading ?? { inputType: '1', mediaType: '1', date: TODAY, time: '09:00:00' };
    expect(attestationSchema.safeParse({ ...base, identityReading: { ...reading, inputType: '4' } }).success).toBe(false);
    expect(attestationSchema.safeParse({ ...base, identityReading: { ...reading, inputType: '4', manualInputReason: '2' } }).success).toBe(true);
    expect(attestationSchema.safeParse({ ...base, identityReading: { ...reading, date: '2026-02-11' } }).success).toBe(false);
    expect(attestationSchema.safeParse({ ...base, identityReading: { ...reading, mediaType: '7' } }).success).toBe(false);
  });
});

describe('a specialist’s consultation in a hospital', () => {
  const xml = kmehrOf(specialistInHospital(TODAY));
  const items = actItems(xml);

  it('types the place as the hospital it is, with its NIHDI-SERVICE-CD; the act has its own patientpaid and supplement', () => {
    const location = items.get('encounterlocation');
    expect(codes(location)).toEqual(['CD-ITEM=encounterlocation', 'CD-HCPARTY=orghospital', 'NIHDI-SERVICE-CD=210']);
    expect(textOf(descendants(items.get('patientpaid') as Element, K, 'decimal')[0])).toBe('42.70');
    expect(textOf(descendants(items.get('supplement') as Element, K, 'decimal')[0])).toBe('15.00');
    expect(judged(xml)).toEqual([]);
  });

  it('is refused without the service code (243), or with the place typed as a person (111)', () => {
    expect(judged(without(xml, contentWithCd('NIHDI-SERVICE-CD')))).toEqual(['243']);
    expect(judged(xml.replace('>orghospital<', '>persphysician<'))).toEqual(['111']);
  });

  it('never types an 11-digit place as a physician, and a place needs its kind', () => {
    const base = specialistInHospital(TODAY);
    const act = firstAct(base);
    const practice = kmehrOf({ ...base, acts: [{ code: act.code, quantity: 1, serviceDate: TODAY, amountPaidCents: 4270, supplementCents: 1500, placeNihii: '19910239004', placeType: 'practice' }] });
    expect(codes(actItems(practice).get('encounterlocation'))).toEqual(['CD-ITEM=encounterlocation', 'CD-HCPARTY=orgpractice']);
    expect(attestationSchema.safeParse({ ...base, acts: [{ ...act, placeType: undefined }] }).success).toBe(false);
    expect(attestationSchema.safeParse({ ...base, acts: [{ ...act, placeType: 'laboratory' }] }).success).toBe(false);
  });

  it('is refused when the cga’s patientpaid or supplement is not the sum of the acts’ (130)', () => {
    expect(judged(xml.replace('<kmehr:decimal>42.70</kmehr:decimal>', '<kmehr:decimal>40.00</kmehr:decimal>'))).toEqual(['130']);
    const cga = (document: Document) => descendants(document, K, 'transaction')[0];
    const cgaSupplement = (document: Document) => childElements(cga(document) as Element, K, 'item').find((item) => textOf(firstChild(item, K, 'cd')) === 'supplement');
    expect(judged(without(xml, cgaSupplement))).toEqual(['130']);
  });

  it('keeps the totals the sums of the acts', () => {
    const base = specialistInHospital(TODAY);
    expect(attestationSchema.safeParse({ ...base, patientPaidCents: 4000 }).success).toBe(false);
    expect(attestationSchema.safeParse({ ...base, supplementCents: 100 }).success).toBe(false);
  });
});

describe('the request id', () => {
  it('is `<NIHII11>.<14 digits>`, the form every reference uses; another form is refused (111)', () => {
    const xml = kmehrOf(specialistInHospital(TODAY));
    expect(textOf(descendants(parseXml(xml), MCN_NS.msCore, 'id')[0])).toMatch(/^\d{11}\.\d{14}$/);
    const long = Buffer.from(attestationKmehr({ provider, reference: `${REFERENCE}123456`, now: NOW }, specialistInHospital(TODAY))).toString('utf8');
    expect(judged(long, { reference: `${REFERENCE}123456` })).toEqual(['111']);
  });
});

describe('records made before these rules', () => {
  it('still read (journal, receipts, history), while a new send of the same shape is refused', () => {
    const before = { ...specialistInHospital(TODAY), acts: [{ code: '101076', quantity: 1, serviceDate: TODAY, amountPaidCents: 4270, prescriberNihii: '19910239004', placeNihii: '71010136' }] };
    expect(recordedAttestationSchema.safeParse(before).success).toBe(true);
    expect(attestationSchema.safeParse(before).success).toBe(false);
  });
});
