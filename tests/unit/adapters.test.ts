import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_ADAPTERS } from '../../src/content/adapters/index.js';
import { buildCustomAdapter, missingPicks, type Picks } from '../../src/options/custom-adapter-builder.js';
import { adapterFileSchema, adapterSchema } from '../../src/shared/adapters/adapter-schema.js';
import { applyTransforms } from '../../src/shared/adapters/transforms.js';
import { patternMayMatchOrigin, urlMatches } from '../../src/shared/adapters/url-match.js';
import { assessReading, consultationReadingSchema, proposalProblems } from '../../src/shared/domain/consultation.js';

const fixturesDir = new URL('../../src/content/adapters/fixtures/', import.meta.url);
const context = { id: '00000000-0000-4000-8000-000000000001', tabId: 1, frameId: 0, origin: 'http://127.0.0.1:8765', readAt: '2026-03-12T09:00:00.000Z', today: '2026-03-12' };

describe('built-in adapters', () => {
  it('are valid adapters with distinct ids', () => {
    for (const adapter of BUILT_IN_ADAPTERS) expect(adapterSchema.safeParse(adapter).error, adapter.id).toBeUndefined();
    expect(new Set(BUILT_IN_ADAPTERS.map((adapter) => adapter.id)).size).toBe(BUILT_IN_ADAPTERS.length);
  });

  it('expect readings that the background accepts and judges clean (the saved pages are dated 2026-03-12)', () => {
    for (const adapter of BUILT_IN_ADAPTERS) {
      for (const fixture of adapter.fixtures ?? []) {
        const expected: unknown = JSON.parse(readFileSync(new URL(`${adapter.id}/${fixture}.expected.json`, fixturesDir), 'utf8'));
        if (expected === null) continue;
        const reading = consultationReadingSchema.parse(expected);
        const problems = proposalProblems(assessReading(reading, context)).map((problem) => problem.problem);
        // The page caught while its acts were loading has a patient and no act yet.
        expect(problems, `${adapter.id}/${fixture}`).toEqual(fixture.endsWith('acts-loading') ? ['noActs'] : []);
      }
    }
  });
});

describe('adapter schema', () => {
  const valid = BUILT_IN_ADAPTERS[0];

  it('refuses pages outside https and the loopback, unknown keys, code-like transforms and bad ids', () => {
    expect(adapterSchema.safeParse({ ...valid, match: { urls: ['http://ehr.example.be/*'] } }).success).toBe(false);
    expect(adapterSchema.safeParse({ ...valid, match: { urls: ['javascript:alert(1)'] } }).success).toBe(false);
    expect(adapterSchema.safeParse({ ...valid, script: 'alert(1)' }).success).toBe(false);
    expect(adapterSchema.safeParse({ ...valid, id: 'Has Spaces' }).success).toBe(false);
    const badTransform = { ...valid, consultation: { date: { selector: '#d', transforms: [{ eval: 'x' }] } } };
    expect(adapterSchema.safeParse(badTransform).success).toBe(false);
    expect(adapterSchema.safeParse({ ...valid, match: { urls: ['https://ehr.example.be/*'] } }).success).toBe(true);
  });

  it('reads an import file with one adapter or a list', () => {
    expect(adapterFileSchema.safeParse(valid).success).toBe(true);
    expect(adapterFileSchema.safeParse([...BUILT_IN_ADAPTERS]).success).toBe(true);
    expect(adapterFileSchema.safeParse([{ ...valid, format: 2 }]).success).toBe(false);
  });
});

describe('transforms', () => {
  it('normalises SSINs with dots, dashes and spaces, and leaves other text alone', () => {
    expect(applyTransforms(' 85.07.30-033.28 ', ['ssin'])).toBe('85073003328');
    expect(applyTransforms('850730 033 28', ['ssin'])).toBe('85073003328');
    expect(applyTransforms('unknown', ['ssin'])).toBe('unknown');
  });

  it('reads decimal commas, thousands separators and euro signs', () => {
    expect(applyTransforms('€ 1.045,00', ['decimalComma'])).toBe('1045.00');
    expect(applyTransforms('27,5', ['decimalComma'])).toBe('27.5');
    expect(applyTransforms('€45.50', ['decimalComma'])).toBe('45.50');
    expect(applyTransforms('twelve', ['decimalComma'])).toBe('twelve');
  });

  it('reads dates in the order given and refuses two-digit years', () => {
    expect(applyTransforms('12/03/2026', [{ date: 'dmy' }])).toBe('2026-03-12');
    expect(applyTransforms('5.11.1978', [{ date: 'dmy' }])).toBe('1978-11-05');
    expect(applyTransforms('2026-3-12', [{ date: 'ymd' }])).toBe('2026-03-12');
    expect(applyTransforms('03/12/2026', [{ date: 'mdy' }])).toBe('2026-03-12');
    expect(applyTransforms('12/03/26', [{ date: 'dmy' }])).toBe('12/03/26');
  });

  it('maps whole values only, and chains transforms in order', () => {
    expect(applyTransforms('G', [{ map: { G: 'left', D: 'right' } }])).toBe('left');
    expect(applyTransforms('Gauche', [{ map: { G: 'left' } }])).toBe('Gauche');
    expect(applyTransforms('toString', [{ map: { G: 'left' } }])).toBe('toString');
    expect(applyTransforms('101010 Consultation', ['firstToken', 'digits'])).toBe('101010');
  });

  it('caps the text kept from any field', () => {
    expect(applyTransforms('x'.repeat(5000), undefined)).toHaveLength(200);
  });
});

describe('URL patterns', () => {
  it('match with * as any run of characters and everything else literal', () => {
    expect(urlMatches('http://127.0.0.1:*/medispa/*', 'http://127.0.0.1:8765/medispa/patients/p1')).toBe(true);
    expect(urlMatches('http://127.0.0.1:*/medispa/*', 'http://127.0.0.1:8765/tablemed/medispa/')).toBe(false);
    expect(urlMatches('https://ehr.example.be/consult?id=*', 'https://ehr.example.be/consult?id=4')).toBe(true);
    expect(urlMatches('https://ehr.example.be/a.b', 'https://ehr.example.be/aXb')).toBe(false);
    expect(urlMatches('https://ehr.example.be/x', 'https://ehr.example.be/x/y')).toBe(false);
    expect(urlMatches('https://*.example.be/*', 'https://ehr.example.be.evil.com/')).toBe(false);
  });

  it('tell which origins a pattern may serve', () => {
    expect(patternMayMatchOrigin('http://127.0.0.1:*/medispa/*', 'http://127.0.0.1:8765')).toBe(true);
    expect(patternMayMatchOrigin('https://ehr.example.be/*', 'https://ehr.example.be')).toBe(true);
    expect(patternMayMatchOrigin('https://ehr.example.be/*', 'https://evil.example')).toBe(false);
    expect(patternMayMatchOrigin('https://ehr.example.be/*', 'https://ehr.example.be.evil.com')).toBe(false);
  });
});

describe('custom adapters from the field picker', () => {
  const pick = (selector: string, sample: string, row?: { row: string; cell: string }) => ({
    selector,
    rowSelector: row?.row ?? null,
    cellSelector: row?.cell ?? null,
    read: 'text' as const,
    sample,
  });
  const picks: Picks = {
    ssin: pick('#ssin', '85.07.30-033.28'),
    familyName: pick('#name', 'PEETERS'),
    firstName: pick('#first', 'Jan'),
    date: pick('#date', '2026-03-12'),
    code: pick('#acts > tr:nth-of-type(1) > td:nth-of-type(1)', '101076', { row: '#acts > tr', cell: ':scope > td:nth-of-type(1)' }),
    amountPaid: pick('#acts > tr:nth-of-type(1) > td:nth-of-type(3)', '30,00', { row: '#acts > tr', cell: ':scope > td:nth-of-type(3)' }),
    button: pick('#toolbar', ''),
  };

  it('become a valid adapter for the EHR origin with formats guessed from what was seen', () => {
    const adapter = buildCustomAdapter('My EHR', 'https://ehr.example.be/consult/12?x=1', picks, 'abc');
    expect(adapter.id).toBe('custom-ehr-example-be-abc');
    expect(adapter.match.urls).toEqual(['https://ehr.example.be/*']);
    expect(adapter.patient.ssin).toEqual({ selector: '#ssin', transforms: ['ssin'] });
    expect(adapter.consultation.date.transforms).toEqual([{ date: 'ymd' }]);
    expect(adapter.acts.row).toBe('#acts > tr');
    expect(adapter.acts.fields.amountPaid).toEqual({ selector: ':scope > td:nth-of-type(3)', transforms: ['decimalComma'] });
    expect(adapter.writeBack).toBeUndefined();
    expect(adapter.patient.language).toBeUndefined();
  });

  it('read the patient’s language where the clinician points at it', () => {
    const adapter = buildCustomAdapter('My EHR', 'https://ehr.example.be/consult/12', { ...picks, language: pick('#lang', 'Nederlands') }, 'abc');
    expect(adapter.patient.language).toEqual({ selector: '#lang' });
  });

  it('name the required fields still missing', () => {
    expect(missingPicks({})).toEqual(['ssin', 'familyName', 'firstName', 'date', 'code', 'amountPaid', 'button']);
    expect(missingPicks(picks)).toEqual([]);
    const withoutCode: Picks = Object.fromEntries(Object.entries(picks).filter(([key]) => key !== 'code'));
    expect(() => buildCustomAdapter('x', 'https://ehr.example.be/', withoutCode, 'a')).toThrow(/code/);
  });

  it('are refused for a page the schema does not allow', () => {
    expect(() => buildCustomAdapter('x', 'http://ehr.example.be/', picks, 'a')).toThrow();
  });
});
