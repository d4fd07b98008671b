/**
 * Money is integer euro cents everywhere inside the product; formatting happens at the UI edge.
 * Reading and formatting amounts, without zod, so that extension pages use them without loading the
 * schemas (src/shared/domain/money.ts re-exports them beside its schema).
 */
export type Cents = number;

/** Reads a decimal euro amount ("12.5", "12,50", "-3") into cents, exactly (no floating point). */
export function parseEuroToCents(text: string): Cents | undefined {
  const match = /^\s*(-)?(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (match === null) return undefined;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** An amount with a decimal comma and no thousands separator or symbol, "1234,50": what a Belgian spreadsheet reads as a number. */
export function decimalCommaAmount(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const whole = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(whole / 100)},${String(whole % 100).padStart(2, '0')}`;
}

/**
 * An amount as Belgium writes it, in every language of the product: comma decimals, the euro sign
 * after a no-break space ("30,00 €"), thousands grouped by a dot ("1.045,00 €"), in French by a
 * narrow no-break space ("1 045,00 €"). English takes the same Belgian form: the documents are
 * Belgian. Written out rather than left to Intl, whose nl-BE puts the sign first ("€ 30,00").
 */
export function formatCents(cents: Cents, language: string): string {
  const [units = '0', decimals = '00'] = decimalCommaAmount(cents).split(',');
  return `${units.replace(/\B(?=(\d{3})+$)/g, language === 'fr' ? '\u202f' : '.')},${decimals}\u00a0€`;
}
