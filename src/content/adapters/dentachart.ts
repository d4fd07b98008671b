import type { Adapter } from '../../shared/adapters/adapter-schema.js';

/** DentaChart (demo/ehrs/dentachart): a dentist's chart; identifiers and dates in attributes, teeth in FDI numbers. */
export const dentachartAdapter = {
  format: 1,
  id: 'dentachart',
  name: 'DentaChart (demo)',
  match: { urls: ['http://127.0.0.1:*/dentachart/*', 'http://localhost:*/dentachart/*'], present: '#patient-card' },
  patient: {
    ssin: { selector: '#patient-card', read: { attribute: 'data-inss' }, transforms: ['ssin'] },
    familyName: { selector: '#patient-card .family' },
    firstName: { selector: '#patient-card .first' },
    birthDate: { selector: '#patient-card time.birth', read: { attribute: 'datetime' } },
  },
  consultation: {
    date: { selector: 'time#visit-date', read: { attribute: 'datetime' } },
  },
  acts: {
    row: 'ol.treatments > li',
    fields: {
      code: { selector: ':scope', read: { attribute: 'data-nomen' } },
      amountPaid: { selector: 'output.paid', transforms: ['decimalComma'] },
      tooth: { selector: ':scope', read: { attribute: 'data-tooth' } },
      // The chart says G (gauche) and D (droite).
      side: { selector: '.side', transforms: [{ map: { G: 'left', D: 'right' } }] },
    },
  },
  button: { anchor: '#patient-card .name', place: 'end' },
  writeBack: { selector: '#receipt-number' },
  fixtures: ['vermeulen', 'hermans'],
} as const satisfies Adapter;
