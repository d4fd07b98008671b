import { render } from 'preact';
import { useState } from 'preact/hooks';
import type { ConsultationProposal } from '../shared/domain/consultation.js';
import type { AttestationProblem } from '../shared/domain/attestation-checks.js';
import type { Profession } from '../shared/domain/profession.js';
import { HostStatusView } from '../ui/HostStatusView.js';
import { loadLanguage, t } from '../ui/i18n.js';
import { AttestationView } from './AttestationView.js';
import { usePopupOpener } from './current-proposal.js';
import { draftFromProposal, emptyDraft, type Draft } from './draft.js';
import { PatientPanel, type ProposedPatient } from './PatientPanel.js';
import { ProposalPanel } from './ProposalView.js';
import { TodayHistory } from './TodayHistory.js';
import '../ui/style.css';

/** The patient as the page shows them, for the clinician to recognise before anything is asked. */
function proposedPatientOf(proposal: ConsultationProposal | undefined): ProposedPatient | undefined {
  const ssin = proposal?.patient.ssin.value;
  if (proposal === undefined || ssin === null || ssin === undefined) return undefined;
  const { familyName, firstName, birthDate } = proposal.patient;
  const name = [familyName.value, firstName.value].filter((part) => part !== null).join(', ');
  return { ssin, name: name === '' ? undefined : name, birthDate: birthDate.value ?? undefined };
}

function Popup() {
  const opener = usePopupOpener();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [sent, setSent] = useState(0);
  const [proposal, setProposal] = useState<ConsultationProposal | undefined>();
  const [profession, setProfession] = useState<Profession | undefined>();
  // What the last review found, by the proposal field to correct; a new reading or correction clears it.
  const [fieldChecks, setFieldChecks] = useState<ReadonlyMap<string, AttestationProblem>>(new Map());
  return (
    <main>
      <h1>{t('extName')}</h1>
      <HostStatusView onStatus={(status) => setProfession(status.profession)} />
      {/* EHR proposal (ehr adapters): what the page read, correctable; it seeds the attestation draft. */}
      <ProposalPanel
        fieldChecks={fieldChecks}
        profession={profession}
        onProposal={(read) => {
          setProposal(read);
          setDraft(draftFromProposal(read));
          setFieldChecks(new Map());
        }}
      />
      <PatientPanel
        proposedPatient={proposedPatientOf(proposal)}
        consultProposedOnOpen={opener === 'asking' ? undefined : opener === 'clinician'}
        proposedCodes={draft.acts.map((act) => act.code).filter((code) => /^\d{6}$/.test(code))}
        proposedTeeth={Object.fromEntries(draft.acts.flatMap((act) => (act.details?.tooth !== undefined ? [[act.code, act.details.tooth]] : [])))}
        onPatient={(patient) =>
          setDraft((current) => ({
            ...current,
            ssin: patient.ssin,
            lastName: current.lastName === '' ? (patient.familyName ?? '') : current.lastName,
            firstName: current.firstName === '' ? (patient.firstName ?? '') : current.firstName,
          }))
        }
      />
      <AttestationView draft={draft} tabId={proposal?.tabId} profession={profession} onDraftChange={setDraft} onSent={() => setSent((count) => count + 1)} onFieldChecks={setFieldChecks} />
      <TodayHistory refreshToken={sent} />
    </main>
  );
}

const root = document.getElementById('app');
// The clinician's language (a catalog only when it is not the browser's) before the first render.
if (root !== null) void loadLanguage().then(() => render(<Popup />, root));
