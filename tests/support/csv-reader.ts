/**
 * Reads back the ledger's CSV as a spreadsheet would (RFC 4180 with `;` and a UTF-8 BOM), written
 * separately from the product's writer so that a test compares the two.
 */
export interface ReadCsv {
  bom: boolean;
  rows: string[][];
}

export function readCsv(text: string, separator = ';'): ReadCsv {
  const bom = text.startsWith('\uFEFF');
  const body = bom ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < body.length; index += 1) {
    const char = body.charAt(index);
    if (quoted) {
      if (char === '"' && body[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === separator) {
      row.push(field);
      field = '';
    } else if (char === '\r' && body[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else if (char === '\n' || char === '\r' || char === '"') throw new Error(`a bare ${JSON.stringify(char)} at ${index}: not RFC 4180`);
    else field += char;
  }
  if (quoted) throw new Error('an unclosed quote');
  if (field !== '' || row.length > 0) throw new Error('the last line has no CRLF');
  return { bom, rows };
}
