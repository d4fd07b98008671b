import type { Adapter } from '../../shared/adapters/adapter-schema.js';

/** TableMed (demo/ehrs/tablemed): a classic page of nested tables, read cell by cell. */
export const tablemedAdapter = {
  format: 1,
  id: 'tablemed',
  name: 'TableMed (demo)',
  match: { urls: ['http://127.0.0.1:*/tablemed/*', 'http://localhost:*/tablemed/*'], present: 'table#pat' },
  patient: {
    ssin: { selector: '#pat tr:nth-child(2) > td:nth-child(2)', transforms: ['ssin'] },
    familyName: { selector: '#pat tr:nth-child(1) > td:nth-child(2)' },
    firstName: { selector: '#pat tr:nth-child(1) > td:nth-child(4)' },
    birthDate: { selector: '#pat tr:nth-child(2) > td:nth-child(4)', transforms: [{ date: 'dmy' }] },
  },
  consultation: {
    date: { selector: '#pat tr:nth-child(3) > td:nth-child(2)', transforms: [{ date: 'dmy' }] },
    providerHint: { selector: '#pat tr:nth-child(3) > td:nth-child(4)' },
  },
  acts: {
    row: '#prestaties > tbody > tr',
    fields: {
      code: { selector: ':scope > td:nth-child(1)', transforms: ['digits'] },
      quantity: { selector: ':scope > td:nth-child(3)' },
      amountPaid: { selector: ':scope > td:nth-child(4)', transforms: ['decimalComma'] },
      supplement: { selector: ':scope > td:nth-child(5)', transforms: ['decimalComma'] },
      prescriber: { selector: ':scope > td:nth-child(6)' },
      prescriptionDate: { selector: ':scope > td:nth-child(7)', transforms: [{ date: 'dmy' }] },
      // The place of care, on the pages that show it (a consultation in the hospital).
      place: { selector: ':scope > td:nth-child(8)', transforms: ['digits'] },
      placeType: { selector: ':scope > td:nth-child(9)', transforms: [{ map: { Ziekenhuis: 'hospital', Praktijk: 'practice', Laboratorium: 'laboratory' } }] },
      placeService: { selector: ':scope > td:nth-child(10)', transforms: ['digits'] },
    },
  },
  button: { anchor: '#prestaties', place: 'after' },
  writeBack: { selector: '#attestnr' },
  fixtures: ['wouters', 'moreau'],
} as const satisfies Adapter;
