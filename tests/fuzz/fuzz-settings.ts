import fc from 'fast-check';
import { serialize } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { AppError } from '../../src/shared/errors.js';

/**
 * One place for how much the properties run. In `npm test`: a fixed seed and few runs, so the
 * suite is the same every time and stays quick. Under `npm run fuzz` (scripts/fuzz.mjs), FUZZ_RUNS
 * runs per property from FUZZ_SEED, a fresh seed that the script prints (set it to replay a run).
 */
const FIXED_SEED = 13;
const longRuns = Number.parseInt(process.env['FUZZ_RUNS'] ?? '', 10);
const seed = Number.parseInt(process.env['FUZZ_SEED'] ?? '', 10);

export function fuzzParameters<T>(quickRuns: number): fc.Parameters<T> {
  return {
    seed: Number.isSafeInteger(seed) ? seed : FIXED_SEED,
    numRuns: Number.isSafeInteger(longRuns) && longRuns > 0 ? longRuns : quickRuns,
  };
}

/**
 * Runs a reader on hostile input: it may return a value or throw an AppError, nothing else.
 * Returns what happened (the value's kind or the error code) so properties can say more.
 */
export function typedOutcome(run: () => unknown): string {
  try {
    run();
    return 'value';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw new Error(`not a typed error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
}

/** The same for asynchronous readers. */
export async function typedOutcomeAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'value';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw new Error(`not a typed error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
}

/** Values a hostile answer puts where a reader expects a code, a number, a date or an id. */
const hostileValues = fc.oneof(
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '31.591', '2026-02-30', '9999-12-31T99:99:99Z', 'true', 'nope', 'x'.repeat(3000), '\u0000', '💉', 'urn:x', '#_a1', '500-1', 'EUR', 'USD'),
  fc.string({ maxLength: 20 }),
);

/**
 * Hostile variants of a genuine XML answer that stay well-formed, so that they get past the parser
 * into the reader: elements removed, duplicated, moved or emptied, text and attribute values
 * replaced. (Byte-level mutations, mutatedText, mostly stop at the parser.)
 */
export function mutatedXml(seeds: readonly string[]): fc.Arbitrary<string> {
  const operation = fc.record({ kind: fc.constantFrom('text', 'attribute', 'remove', 'duplicate', 'move', 'empty'), pick: fc.nat(), other: fc.nat(), value: hostileValues });
  return fc.tuple(fc.constantFrom(...seeds), fc.array(operation, { minLength: 1, maxLength: 4 })).map(([seed, operations]) => {
    const document = parseXml(seed);
    for (const operation of operations) {
      const elements = Array.from(document.getElementsByTagName('*'));
      const element = elements[operation.pick % elements.length];
      if (element === undefined) continue;
      const parent = element === document.documentElement ? null : element.parentNode;
      switch (operation.kind) {
        case 'text':
          element.textContent = operation.value;
          break;
        case 'attribute': {
          const attribute = element.attributes.item(operation.other % Math.max(1, element.attributes.length));
          if (attribute !== null) attribute.value = operation.value;
          break;
        }
        case 'remove':
          if (parent !== null) parent.removeChild(element);
          break;
        case 'duplicate':
          if (parent !== null) parent.insertBefore(element.cloneNode(true), element.nextSibling);
          break;
        case 'move': {
          const target = elements[operation.other % elements.length];
          if (parent !== null && target !== undefined && !element.contains(target)) target.appendChild(element);
          break;
        }
        case 'empty':
          while (element.firstChild !== null) element.removeChild(element.firstChild);
          break;
      }
    }
    return serialize(document);
  });
}

/** Structure-keeping and byte-level mutations of genuine answers, mostly the former. */
export function mutatedAnswer(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: mutatedXml(seeds) }, { weight: 1, arbitrary: mutatedText(seeds) });
}

/**
 * Hostile variants of a genuine text: characters flipped, cut, spliced from elsewhere in the text,
 * markup inserted, a stretch repeated. Mutating real answers reaches deep into the readers, which
 * random text never would.
 */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<string> {
  const markup = fc.constantFrom('<', '>', '</', '/>', '&', '&amp;', '&#0;', '&#x110000;', '"', "'", '<![CDATA[', ']]>', '<!--', '-->', '<?x?>', 'xmlns:p="urn:x"', '\u0000', '\uFFFF', '\uD800', ' ', '-1', '1e309', 'NaN');
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), length: fc.nat({ max: 40 }), text: fc.oneof(markup, fc.string({ maxLength: 20 })) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.nat({ max: 400 }), times: fc.integer({ min: 2, max: 4 }) }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), from: fc.nat(), length: fc.nat({ max: 400 }) }),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) =>
    edits.reduce((text, change) => {
      const at = text.length === 0 ? 0 : change.at % (text.length + 1);
      switch (change.kind) {
        case 'replace':
          return text.slice(0, at) + change.text + text.slice(at + change.length);
        case 'cut':
          return text.slice(0, at);
        case 'repeat':
          return text.slice(0, at) + text.slice(at, at + change.length).repeat(change.times) + text.slice(at + change.length);
        case 'splice': {
          const from = text.length === 0 ? 0 : change.from % text.length;
          return text.slice(0, at) + text.slice(from, from + change.length) + text.slice(at);
        }
      }
    }, seed),
  );
}
