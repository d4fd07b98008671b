/**
 * How Belgium writes its identifiers, for documents and spreadsheets (the receipt, the ledger's CSV).
 * Apart from identifier-rules.ts, which the popup's first paint loads: these serve later pages.
 */

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
