import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { memberDataAnswer, refusalAnswer } from '../../simulator/src/memberdata/answer.js';
import type { MemberDataQuery } from '../../simulator/src/memberdata/query.js';
import { queryError, SamlRefusal } from '../../simulator/src/memberdata/refusal.js';
import { scenarioByKey, type ScenarioKey } from '../../simulator/src/scenarios.js';
import { captures } from '../support/captures.js';

/**
 * The simulator answers as the real platform does: every element path, attribute and namespace
 * declaration seen in a captured acceptance answer (../shared/reference/captures) must also come
 * out of the simulator, for the same kind of answer. A path names each element as written
 * (prefix:local), an Attribute by its Name, and an attribute by its name with the shape of its
 * value when that is a time (with or without a zone).
 */

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function shapeOf(value: string): string {
  if (!DATE_TIME.test(value)) return '';
  return /(Z|[+-]\d{2}:\d{2})$/.test(value) ? '=time+zone' : '=time';
}

export function elementPaths(xml: string): Set<string> {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const paths = new Set<string>();
  const walk = (element: Element, parent: string) => {
    const name = element.localName === 'Attribute' && element.getAttribute('Name') !== null ? `${element.nodeName}[${element.getAttribute('Name') ?? ''}]` : element.nodeName;
    const path = `${parent}/${name}`;
    paths.add(path);
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute === null || attribute.name === 'Name') continue;
      paths.add(`${path}/@${attribute.name}${shapeOf(attribute.value)}`);
    }
    for (let child = element.firstChild; child !== null; child = child.nextSibling) if (child.nodeType === 1) walk(child as Element, path);
  };
  walk(document.documentElement as unknown as Element, '');
  return paths;
}

const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date());
const insurability = (requestType: string, contactType: string) => ['urn:be:cin:nippin:insurability', new Map([['requestType', requestType], ['contactType', contactType]])] as const;

function query(key: ScenarioKey, facets: (readonly [string, Map<string, string>])[], subject?: { format: string; value: string }): MemberDataQuery {
  const ssin = scenarioByKey(key).ssin;
  return {
    id: `_${key}`,
    ssin,
    subject: subject ?? { format: 'urn:be:fgov:person:ssin', value: ssin },
    notBefore: `${day}T00:00:00+01:00`,
    notOnOrAfter: `${day}T23:59:59+01:00`,
    day,
    facets: new Map(facets),
  };
}

/** The simulator's answers to the kinds of query the captures answer. */
function simulatorAnswers(): string[] {
  const other = insurability('information', 'other');
  const member = scenarioByKey('inOrder').membership;
  const queries = [
    ...(['inOrder', 'notInOrder', 'medicalHouse', 'thirdPartyPayment', 'jsis', 'deceased', 'insurerChanged'] as const).map((key) => query(key, [other])),
    query('hospitalised', [insurability('information', 'hospitalized')]),
    query('medicalHouse', [insurability('invoicing', 'other')]),
    query('inOrder', [['urn:be:cin:nippin:globalMedicalFile', new Map()]]),
    query('hospitalised', [['urn:be:cin:nippin:palliativeStatus', new Map()]]),
    query('inOrder', [other, ['urn:be:cin:nippin:palliativeStatus', new Map()]]),
    query('deceased', [['urn:be:cin:nippin:chronicCondition', new Map()]]),
    query('inOrder', [other], { format: 'urn:be:cin:nippin:careReceiver:registrationNumber@mut', value: `${member?.registrationNumber ?? ''}@${member?.mutuality ?? ''}` }),
  ];
  return queries.map((asked) => memberDataAnswer(asked).toString('utf8'));
}

function simulatorRefusals(): string[] {
  return [
    queryError('INVALID_INSS_FORMAT', '/AttributeQuery/Subject/NameID', 'The INSS has an invalid format (not 11 digits)'),
    queryError('UNKNOWN_FACET', '/AttributeQuery/Extensions/Facet[urn:be:cin:nippin:someWeirdFacet]', 'A requested facet does not exist'),
    new SamlRefusal('Requester', 'AttributeQueryError', 'AUTHORIZATION_ERROR', 'UNAUTHORIZED_FACET', '/AttributeQuery/Extensions/Facet[urn:be:cin:nippin:carePath]', 'Access rights are insufficient for a requested facet'),
  ].map((refusal) => refusalAnswer('_q', refusal).toString('utf8'));
}

function union(sets: Iterable<Set<string>>): Set<string> {
  const all = new Set<string>();
  for (const set of sets) for (const path of set) all.add(path);
  return all;
}

describe('the simulator’s MemberData answers have the real platform’s shapes', () => {
  it('sends every element, attribute and declaration the platform sends in its answers', () => {
    const real = union(captures('memberdata').map((capture) => elementPaths(capture.xml)));
    const simulated = union(simulatorAnswers().map(elementPaths));
    expect([...real].filter((path) => !simulated.has(path)).sort()).toEqual([]);
  });

  it('sends every element, attribute and declaration the platform sends in its faults', () => {
    const real = union(captures('faults').map((capture) => elementPaths(capture.xml)));
    const simulated = union(simulatorRefusals().map(elementPaths));
    expect([...real].filter((path) => !simulated.has(path)).sort()).toEqual([]);
  });

  it('writes times as the platform does (never with a zone), and locations as namespace-agnostic XPath', () => {
    const simulated = union([...simulatorAnswers(), ...simulatorRefusals()].map(elementPaths));
    expect([...simulated].filter((path) => path.endsWith('=time+zone'))).toEqual([]);
    const fault = simulatorRefusals()[1] ?? '';
    expect(fault).toContain('<ns2:Location>*:AttributeQuery/*:Extensions/*:Facet[@id="urn:be:cin:nippin:someWeirdFacet"]</ns2:Location>');
  });

  it('names the patient in every assertion as the query did', () => {
    const member = scenarioByKey('inOrder').membership;
    const asked = `${member?.registrationNumber ?? ''}@${member?.mutuality ?? ''}`;
    const xml = simulatorAnswers().at(-1) ?? '';
    const nameIds = [...xml.matchAll(/<ns2:NameID Format="([^"]+)">([^<]+)</g)].map((match) => `${match[1]}|${match[2]}`);
    expect(nameIds.length).toBeGreaterThan(2);
    expect(new Set(nameIds)).toEqual(new Set([`urn:be:cin:nippin:careReceiver:registrationNumber@mut|${asked}`]));
  });
});
