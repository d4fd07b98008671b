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

