import { describe, expect, it } from 'vitest';
import { belgianDate, belgianDateTime } from '../../src/shared/domain/belgian-dates.js';
import { formatCents } from '../../src/shared/domain/money-text.js';

const NBSP = '\u00a0';
const NARROW_NBSP = '\u202f';

describe('Belgian amounts', () => {
  it('write comma decimals and the euro sign after, in every language', () => {
    for (const language of ['fr', 'nl', 'de', 'en']) expect(formatCents(3000, language), language).toBe(`30,00${NBSP}€`);
    expect(formatCents(5, 'nl')).toBe(`0,05${NBSP}€`);
    expect(formatCents(1250, 'de')).toBe(`12,50${NBSP}€`);
  });

  it('group thousands by a dot, in French by a narrow no-break space', () => {
    expect(formatCents(104500, 'nl')).toBe(`1.045,00${NBSP}€`);
    expect(formatCents(123456789, 'de')).toBe(`1.234.567,89${NBSP}€`);
    expect(formatCents(104500, 'fr')).toBe(`1${NARROW_NBSP}045,00${NBSP}€`);
  });

  it('keep the sign of a negative amount', () => {
    expect(formatCents(-250, 'fr')).toBe(`-2,50${NBSP}€`);
  });
});

describe('Belgian dates', () => {
  it('write a calendar day as dd/mm/yyyy', () => {
    expect(belgianDate('2026-12-07')).toBe('07/12/2026');
    expect(belgianDate('not a date')).toBe('not a date');
  });

  it('write an instant on the Brussels wall clock, in winter and in summer', () => {
    expect(belgianDateTime(new Date('2026-12-07T15:03:11Z'))).toBe('07/12/2026 16:03');
    expect(belgianDateTime(new Date('2026-07-01T22:30:00Z'))).toBe('02/07/2026 00:30');
  });
});
