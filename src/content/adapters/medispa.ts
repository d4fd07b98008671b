import type { Adapter } from '../../shared/adapters/adapter-schema.js';

/** MediSPA (demo/ehrs/medispa): a single-page app; values sit in form fields and data attributes. */
export const medispaAdapter = {
  format: 1,
  id: 'medispa',
  name: 'MediSPA (demo)',
  match: { urls: ['http://127.0.0.1:*/medispa/*', 'http://localhost:*/medispa/*'], present: '[data-view="consultation"]' },
  patient: {
    ssin: { selector: '[data-view="consultation"] [data-field="niss"]', transforms: ['ssin'] },
    familyName: { selector: '.patient-banner .family' },
    firstName: { selector: '.patient-banner .given' },
    birthDate: { selector: '[data-view="consultation"] [data-field="dob"]', transforms: [{ date: 'dmy' }] },
    language: { selector: '[data-view="consultation"] [data-field="lang"]', transforms: [{ map: { français: 'fr', néerlandais: 'nl', allemand: 'de', anglais: 'en' } }] },
  },
  consultation: {
    date: { selector: 'input[name="encounter-date"]', read: 'value', transforms: [{ date: 'dmy' }] },
    providerHint: { selector: 'input[name="provider"]', read: 'value' },
  },
  acts: {
    row: '[data-view="consultation"] .acts .act[data-code]',
    fields: {
      code: { selector: ':scope', read: { attribute: 'data-code' } },
      quantity: { selector: 'input.qty', read: 'value' },
      amountPaid: { selector: 'input.paid', read: 'value', transforms: ['decimalComma'] },
      supplement: { selector: 'input.suppl', read: 'value', transforms: ['decimalComma'] },
    },
  },
  button: { anchor: 'form.encounter .toolbar', place: 'end' },
  writeBack: { selector: 'input[name="eattest-ack"]' },
  fixtures: ['lambert', 'mertens', 'mertens-acts-loading', 'agenda'],
} as const satisfies Adapter;
