import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { describeZodIssues } from '../../src/shared/app-error.js';

/**
 * zod/mini loads no locale: where no other module configured one, an issue without its own message
 * reads "Invalid input". describeZodIssues must still say what was wrong, never what the input was.
 */
function withoutLocale(issues: z.core.$ZodIssue[]): z.core.$ZodError {
  return new z.core.$ZodError(issues.map((issue) => ({ ...issue, message: 'Invalid input' })));
}

describe('describeZodIssues without a locale', () => {
  it('names unknown keys, expected types, bounds and formats', () => {
    const text = describeZodIssues(
      withoutLocale([
        { code: 'unrecognized_keys', keys: ['verbose'], path: ['params'], input: {}, message: '' },
        { code: 'invalid_type', expected: 'string', path: ['a'], input: 1, message: '' },
        { code: 'too_big', origin: 'string', maximum: 64, path: ['id'], input: 'x', message: '' },
        { code: 'invalid_format', format: 'uuid', path: ['proposalId'], input: 'secret-value', message: '' },
      ]),
    );
    expect(text).toBe('params: unknown key(s) verbose; a: expected string; id: too big (at most 64); proposalId: not a valid uuid');
    expect(text).not.toContain('secret-value');
  });

  it('keeps a schema’s own message', () => {
    const parsed = z.string().check(z.regex(/^\d{6}$/, 'a nomenclature code has 6 digits')).safeParse('12');
    expect(parsed.error === undefined ? '' : describeZodIssues(parsed.error)).toBe('(root): a nomenclature code has 6 digits');
  });
});
