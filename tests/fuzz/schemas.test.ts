import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as adapterSchemas from '../../src/shared/adapters/adapter-schema.js';
import * as attestation from '../../src/shared/domain/attestation.js';
import * as consultation from '../../src/shared/domain/consultation.js';
import * as identifiers from '../../src/shared/domain/identifiers.js';
import * as insurability from '../../src/shared/domain/insurability.js';
import * as money from '../../src/shared/domain/money.js';
import * as profession from '../../src/shared/domain/profession.js';
import * as receipt from '../../src/shared/domain/receipt.js';
import * as tariff from '../../src/shared/domain/tariff.js';
import * as errors from '../../src/shared/errors.js';
import { describeZodIssues } from '../../src/shared/errors.js';
import * as extensionProtocol from '../../src/shared/extension-protocol.js';
import * as hostProtocol from '../../src/shared/host-protocol.js';
import * as hostConfig from '../../native-host/src/config.js';
import { fuzzParameters } from './fuzz-settings.js';

/**
 * Every zod schema at a boundary (host protocol, extension messages between content script, popup
 * and background, the domain values they carry, EHR adapters, the host's config.json, errors), fed
 * values shaped like what it expects (its own keys, literals and enum values, plausible identifiers)
 * with hostile values mixed in at every level: it must answer a parsed value or a ZodError whose
 * issues describe themselves; any other exception (a refinement or transform that assumed its
 * input) is a crash. Schemas are found by walking the modules' exports, so a new one is covered.
 */

interface ZodLike {
  _zod: { def: Record<string, unknown> & { type: string } };
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: Parameters<typeof describeZodIssues>[0] };
}

function isSchema(value: unknown): value is ZodLike {
  return typeof value === 'object' && value !== null && '_zod' in value && 'safeParse' in value;
}

/** The schemas a module exports, also inside plain objects (hostCommands: command → params, result). */
function schemasOf(moduleName: string, exports: Record<string, unknown>): [string, ZodLike][] {
  const found: [string, ZodLike][] = [];
  const walk = (path: string, value: unknown, depth: number): void => {
    if (isSchema(value)) found.push([path, value]);
    else if (depth < 3 && typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [key, inner] of Object.entries(value)) walk(`${path}.${key}`, inner, depth + 1);
    }
  };
  for (const [name, value] of Object.entries(exports)) walk(`${moduleName}.${name}`, value, 0);
  return found;
}

const schemas = [
  ...schemasOf('host-protocol', hostProtocol),
  ...schemasOf('extension-protocol', extensionProtocol),
  ...schemasOf('errors', errors),
  ...schemasOf('adapter-schema', adapterSchemas),
  ...schemasOf('attestation', attestation),
  ...schemasOf('consultation', consultation),
  ...schemasOf('identifiers', identifiers),
  ...schemasOf('insurability', insurability),
  ...schemasOf('money', money),
  ...schemasOf('profession', profession),
  ...schemasOf('receipt', receipt),
  ...schemasOf('tariff', tariff),
  ...schemasOf('config', hostConfig),
];

/** Strings that pass the common formats (SSIN, NIHII, dates, codes, ids, URLs) beside hostile ones. */
const plausibleStrings = fc.constantFrom(
  '85041213359', '78031412448', '19900104004', '1990010400', '101010', '102034', '500', '500-1-260212-5960827-60',
  '2026-03-04', '2026-02-29', '9999-99-99', '10:00:00', '2026-03-04T09:00:00.000Z', '0', '-1', '3159', '31.59', '31,59',
  '00000000-0000-4000-8000-000000000000', 'https://ehr.example/patient/1', 'chrome-extension://kpghmhnplncbdjmflbikfegpgigphlfp/',
  '#id > .class', 'text', 'attribute', 'doctor', 'guardPost', 'simulator', 'EUR', 'authentication',
  '', ' ', '\u0000', '\uD800', '<script>', 'x'.repeat(5000), '💉'.repeat(300), '__proto__', 'constructor',
);
const hostile = fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true });

function shapedLike(schema: ZodLike, depth: number): fc.Arbitrary<unknown> {
  const near = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 8, arbitrary }, { weight: 1, arbitrary: hostile });
  if (depth > 6) return hostile;
  const def = schema._zod.def;
  const inner = (value: unknown): fc.Arbitrary<unknown> => (isSchema(value) ? shapedLike(value, depth + 1) : hostile);
  switch (def.type) {
    case 'object': {
      const shape = def['shape'] as Record<string, unknown>;
      const keys = Object.keys(shape);
      const record = fc.record(Object.fromEntries(keys.map((key) => [key, inner(shape[key])])), { requiredKeys: keys.filter((key) => (shape[key] as ZodLike)._zod.def.type !== 'optional') });
      return near(fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: fc.tuple(record, fc.dictionary(fc.string({ maxLength: 8 }), hostile, { maxKeys: 2 })).map(([value, extra]) => ({ ...extra, ...(value as object) })) }));
    }
    case 'string':
      return near(fc.oneof(plausibleStrings, fc.string({ maxLength: 30 })));
    case 'number':
      return near(fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, Infinity, Number.NaN)));
    case 'boolean':
      return near(fc.boolean());
    case 'literal':
      return near(fc.constantFrom(...(def['values'] as unknown[])));
    case 'enum':
      return near(fc.constantFrom(...Object.values(def['entries'] as Record<string, unknown>)));
    case 'array':
      return near(fc.array(inner(def['element']), { maxLength: 4 }));
    case 'tuple':
      return near(fc.tuple(...(def['items'] as unknown[]).map(inner)));
    case 'union':
      return fc.oneof(...(def['options'] as unknown[]).map(inner));
    case 'optional':
      return fc.oneof(inner(def['innerType']), fc.constant(undefined));
    case 'nullable':
      return fc.oneof(inner(def['innerType']), fc.constant(null));
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def['innerType']);
    case 'record':
      return near(fc.dictionary(fc.oneof(plausibleStrings, fc.string({ maxLength: 8 })), inner(def['valueType']), { maxKeys: 4 }));
    case 'pipe':
      return inner(def['in']);
    case 'lazy':
      return inner((def['getter'] as () => unknown)());
    default:
      return hostile;
  }
}

describe('boundary schemas under hostile values', () => {
  it('finds the boundary schemas', () => {
    const names = schemas.map(([name]) => name);
    for (const expected of ['host-protocol.hostRequestEnvelopeSchema', 'host-protocol.hostReplySchema', 'extension-protocol.backgroundMessageSchema', 'config.hostConfigSchema', 'adapter-schema.adapterSchema']) {
      expect(names).toContain(expected);
    }
    expect(names.filter((name) => name.startsWith('host-protocol.hostCommands.')).length).toBe(2 * Object.keys(hostProtocol.hostCommands).length);
  });

  for (const [name, schema] of schemas) {
    it(`${name}: a parsed value or a ZodError, nothing else`, () => {
      fc.assert(
        fc.property(shapedLike(schema, 0), (value) => {
          const result = schema.safeParse(value);
          if (!result.success) expect(typeof describeZodIssues(result.error)).toBe('string');
        }),
        fuzzParameters(60),
      );
    });
  }
});
