// MediSPA: a made-up single-page EHR. It renders after load, switches patients with
// history.pushState (no reload), and loads the patient's banner before the encounter's acts,
// as real apps do with separate API calls. All patients are fictitious.

const PATIENTS = [
  { id: 'p1', family: 'LAMBERT', given: 'Julie', niss: '85.04.12-133.59', dob: '12/04/1985', lang: 'français',
    acts: [{ code: '101076', label: 'Consultation au cabinet', qty: '1', paid: '30,00', suppl: '0,00' }] },
  { id: 'p2', family: 'MERTENS', given: 'Sarah', niss: '90.01.17-206.17', dob: '17/01/1990',
    acts: [{ code: '101032', label: 'Consultation (accréditation)', qty: '1', paid: '33,50', suppl: '0,00' },
           { code: '475075', label: 'Électrocardiogramme', qty: '1', paid: '19,75', suppl: '2,50' }] },
  { id: 'p3', family: 'JACOBS', given: 'Marcel', niss: '48.06.03-061.26', dob: '03/06/1948',
    acts: [{ code: '101010', label: 'Consultation', qty: '1', paid: '27,50', suppl: '0,00' }] },
  // Patients who speak Dutch and German: their supporting document is in their language.
  { id: 'p4', family: 'VERMEULEN', given: 'Lotte', niss: '03.05.09-088.60', dob: '09/05/2003', lang: 'néerlandais',
    acts: [{ code: '101076', label: 'Consultation au cabinet', qty: '1', paid: '30,00', suppl: '0,00' }] },
  { id: 'p5', family: 'HERMANS', given: 'Ingrid', niss: '62.07.21-154.82', dob: '21/07/1962', lang: 'allemand',
    acts: [{ code: '101076', label: 'Consultation au cabinet', qty: '1', paid: '30,00', suppl: '0,00' }] },
];
const ACTS_DELAY_MS = 400;
const root = document.getElementById('root');
const acknowledgements = new Map();
let renderToken = 0;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function today() {
  const now = new Date();
  return [now.getDate(), now.getMonth() + 1].map((n) => String(n).padStart(2, '0')).join('/') + '/' + now.getFullYear();
}

function navigate(path) {
  history.pushState({}, '', path);
  render();
}

function nav(currentId) {
  return el('nav', { class: 'patients' }, el('h1', {}, 'MediSPA'),
    ...PATIENTS.map((patient) => el('button', { type: 'button', 'data-patient': patient.id, 'aria-current': String(patient.id === currentId),
      onclick: () => navigate(`/medispa/patients/${patient.id}`) }, `${patient.family} ${patient.given}`)),
    el('button', { type: 'button', 'data-nav': 'agenda', onclick: () => navigate('/medispa/') }, 'Agenda'));
}

function actRow(act) {
  return el('div', { class: 'act', role: 'row', 'data-code': act.code },
    el('span', { class: 'code' }, act.code),
    el('span', { class: 'label' }, act.label),
    el('input', { class: 'qty', value: act.qty, 'aria-label': 'Quantité' }),
    el('input', { class: 'paid', value: act.paid, 'aria-label': 'Payé' }),
    el('input', { class: 'suppl', value: act.suppl, 'aria-label': 'Supplément' }));
}

function consultation(patient, token) {
  const acts = el('div', { class: 'acts', role: 'table' },
    el('div', { class: 'act-head', role: 'row' }, el('span', {}, 'Code'), el('span', {}, 'Prestation'), el('span', {}, 'Qté'), el('span', {}, 'Payé €'), el('span', {}, 'Suppl. €')),
    el('p', { class: 'pending' }, 'Chargement des prestations…'));
  const status = el('span', { class: 'save-status' }, acknowledgements.has(patient.id) ? 'Enregistré' : '');
  const ack = el('input', { name: 'eattest-ack', id: 'eattest-ack', value: acknowledgements.get(patient.id) ?? '', onchange: (event) => {
    acknowledgements.set(patient.id, event.target.value);
    status.textContent = 'Enregistré';
  } });
  const view = el('section', { 'data-view': 'consultation', 'data-patient-id': patient.id },
    el('header', { class: 'patient-banner' },
      el('h2', {}, el('span', { class: 'family' }, patient.family), ', ', el('span', { class: 'given' }, patient.given)),
      el('dl', {}, el('dt', {}, 'NISS'), el('dd', { 'data-field': 'niss' }, patient.niss), el('dt', {}, 'Né(e) le'), el('dd', { 'data-field': 'dob' }, patient.dob),
        ...(patient.lang === undefined ? [] : [el('dt', {}, 'Langue'), el('dd', { 'data-field': 'lang' }, patient.lang)]))),
    el('form', { class: 'encounter', onsubmit: (event) => event.preventDefault() },
      el('label', {}, 'Date du contact ', el('input', { name: 'encounter-date', value: today() })),
      el('label', {}, 'Prestataire ', el('input', { name: 'provider', value: 'Dr A. Martin', readonly: '' })),
      acts,
      el('label', {}, 'N° eAttest ', ack, ' ', status),
      el('div', { class: 'toolbar' }, el('button', { type: 'submit' }, 'Enregistrer'))));
  // The acts arrive later, from another "API call"; a newer navigation wins.
  setTimeout(() => {
    if (token !== renderToken) return;
    acts.querySelector('.pending')?.remove();
    acts.append(...patient.acts.map(actRow));
  }, ACTS_DELAY_MS);
  return view;
}

function agenda() {
  return el('section', { 'data-view': 'agenda' }, el('h2', {}, 'Agenda du jour'), el('p', {}, 'Choisissez un patient dans la liste.'));
}

function render() {
  renderToken += 1;
  const match = /^\/medispa\/patients\/(p\d+)$/.exec(location.pathname);
  const patient = PATIENTS.find((candidate) => candidate.id === match?.[1]);
  root.replaceChildren(nav(patient?.id), el('main', { class: 'workspace' }, patient === undefined ? agenda() : consultation(patient, renderToken)));
}

window.addEventListener('popstate', render);
// The app "boots" after load, like a framework fetching its data.
setTimeout(render, 150);
