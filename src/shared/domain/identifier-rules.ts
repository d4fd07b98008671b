/**
 * Belgian identifiers. SSIN (INSZ/NISS): 11 digits, the last two a mod-97 check over the first
 * nine (prefixed with 2 for people born from 2000). NIHII (RIZIV/INAMI number): 11 digits for a
 * care provider (8 significant + 3 qualification digits).
 * The check-digit rules, without zod, so that extension pages use them without loading the schemas
 * (src/shared/domain/identifiers.ts builds its schemas on them and re-exports them).
 */

export function isValidSsin(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const base = value.slice(0, 9);
  const check = Number(value.slice(9));
  return 97 - (Number(base) % 97) === check || 97 - (Number(`2${base}`) % 97) === check;
}

/** Accepts "85.07.30-033.82", "85073003382"…; returns the 11 digits or undefined. */
export function normaliseSsin(input: string): string | undefined {
  const digits = input.replace(/[\s.\-/]/g, '');
  return isValidSsin(digits) ? digits : undefined;
}

/**
 * CBE (KBO/BCE) enterprise number: 10 digits starting with 0 or 1, the last two being
 * 97 − (first eight mod 97). Accepts "0820.563.481", "BE0820563481"…
 */
export function isValidCbe(value: string): boolean {
  if (!/^[01]\d{9}$/.test(value)) return false;
  return 97 - (Number(value.slice(0, 8)) % 97) === Number(value.slice(8));
}

export function normaliseCbe(input: string): string | undefined {
  const digits = input.replace(/^\s*BE/i, '').replace(/[\s.\-/]/g, '');
  return isValidCbe(digits) ? digits : undefined;
}

/** A CBE (company) number as Belgium writes it: 0123.456.789. */
export function formatCbe(cbe: string): string {
  return /^\d{10}$/.test(cbe) ? `${cbe.slice(0, 4)}.${cbe.slice(4, 7)}.${cbe.slice(7)}` : cbe;
}

/** An SSIN as Belgians write it, "85.04.12-133.59" (also keeps a spreadsheet from reading it as a number). */
export function formatSsin(ssin: string): string {
  return /^\d{11}$/.test(ssin) ? `${ssin.slice(0, 2)}.${ssin.slice(2, 4)}.${ssin.slice(4, 6)}-${ssin.slice(6, 9)}.${ssin.slice(9)}` : ssin;
}

/** A care provider's NIHII as the RIZIV/INAMI writes it, "1-99101-40-004". */
export function formatNihii(nihii11: string): string {
  return /^\d{11}$/.test(nihii11) ? `${nihii11.slice(0, 1)}-${nihii11.slice(1, 6)}-${nihii11.slice(6, 8)}-${nihii11.slice(8)}` : nihii11;
}
