/**
 * CSV for the practice's spreadsheet (RFC 4180): a header row, CRLF line ends, fields quoted when
 * they hold the separator, a quote or a line break, quotes doubled. Belgian Excel's choices: `;`
 * between fields (its list separator, as the decimal comma takes `,`) and a UTF-8 byte order mark,
 * without which it reads the file as Windows-1252 and mangles accented names.
 */

export const CSV_SEPARATOR = ';';
export const UTF8_BOM = '\uFEFF';

/**
 * A field a spreadsheet would run as a formula ("=HYPERLINK(…)" as a patient name read from an EHR
 * page, also after leading blanks, and the full-width forms some spreadsheets fold to these) gets
 * a leading apostrophe, which makes it text (OWASP's CSV injection advice).
 */
const FORMULA_START = /^[\s]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function neutraliseFormula(field: string): string {
  return FORMULA_START.test(field) ? `'${field}` : field;
}

function csvField(value: string): string {
  const text = neutraliseFormula(value);
  return text.includes(CSV_SEPARATOR) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole file: BOM, header, then one line per row; every row has the header's width. */
export function writeCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== header.length) throw new RangeError(`a CSV row has ${row.length} fields, its header ${header.length}`);
  }
  return UTF8_BOM + [header, ...rows].map((row) => row.map(csvField).join(CSV_SEPARATOR) + '\r\n').join('');
}
