import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConsultationProposal } from '../shared/domain/consultation.js';
import type { AttestationProblem } from '../shared/domain/attestation-checks.js';
import { proposalProblems } from '../shared/domain/consultation-fields.js';
import type { Profession } from '../shared/domain/profession.js';
import { onHostProgress } from '../ui/background.js';
import { browser } from '../ui/browser.js';
import { HostStatusDot } from '../ui/HostStatusView.js';
import { useLazyModule } from '../ui/lazy.js';
import { loadLanguage, t } from '../ui/i18n.js';
import { AttestationView, type SendVerdict } from './AttestationView.js';
import { usePopupOpener } from './current-proposal.js';
import { draftFromProposal, emptyDraft, type Draft } from './draft.js';
import { VerdictLine } from './InsurabilityCard.js';
import { ManualPatientForm } from './PatientPanel.js';
import { usePatientInsurability } from './patient-insurability.js';
import { ProposalPanel } from './ProposalView.js';
import '../ui/style.css';

/**
 * The clinician's popup, 400 px wide (style.css): for a patient in order with one to three acts,
 * everything needed is on one screen without scrolling — who, the insurability verdict, the acts and
 * the total, and Send. The rest is one click away in disclosures: the insurer's details, tariffs and
 * DMG; the fields as read from the page (to correct); today's eAttests. Diagnostics are in the options page.
 */
function Popup() {
  const opener = usePopupOpener();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [sent, setSent] = useState(0);
  const [proposal, setProposal] = useState<ConsultationProposal | undefined>();
  const [profession, setProfession] = useState<Profession | undefined>();
  // What the last review found, by the proposal field to correct; a new reading or correction clears it.
  const [newerReading, setNewerReading] = useState(false);
  // The host says when it signs in to eHealth (protocol 3): cold, the first request of the day waits for it.
  const [signingIn, setSigningIn] = useState(false);
  useEffect(() => onHostProgress((stage) => setSigningIn(stage === 'signingIn')), []);
  const [fieldChecks, setFieldChecks] = useState<ReadonlyMap<string, AttestationProblem>>(new Map());
  const proposedSsin = proposal?.patient.ssin.value ?? undefined;
  // Opened from the toolbar, the popup asks insurability at once. Opened by the in-page button (a click
  // a page can forge), it asks nothing by itself: the clinician's Send is the act that first asks.
  const insurability = usePatientInsurability(proposedSsin, opener === 'asking' ? undefined : opener === 'clinician', ({ insurability: { patient } }) =>
    setDraft((current) => ({
      ...current,
      ssin: patient.ssin,
      lastName: current.lastName === '' ? (patient.familyName ?? '') : current.lastName,
      firstName: current.firstName === '' ? (patient.firstName ?? '') : current.firstName,
    })),
  );
  // The disclosures' contents load just after the first paint (the glance first).
  const details = useLazyModule(() => import('./PatientDetails.js'));
  const today = useLazyModule(() => import('./TodayHistory.js'));
  const known = insurability.state.phase === 'done' ? insurability.state.answer.insurability : undefined;

  /**
   * Send's first step, the issue-13 rule kept in one click: insurability for the patient about to be
   * sent (this contact's answer if there is one, else asked now, once), then send only an eAttest
   * patient. eFact, paper or an error stops here and the verdict line says why: nothing is sent.
   */
  const prepareSend = async (attestation: { patient: { ssin: string } }): Promise<SendVerdict> => {
    const answer = await insurability.ensure(attestation.patient.ssin);
    return answer.insurability.route.kind === 'eattest' ? 'send' : 'stop';
  };

  return (
    <main>
      <header class="popup-header">
        <h1>{t('extName')}</h1>
        <HostStatusDot onStatus={(status) => setProfession(status.profession)} />
      </header>
      {proposedSsin === undefined && <ManualPatientForm insurability={insurability} />}
      <AttestationView
        draft={draft}
        tabId={proposal?.tabId}
        profession={profession}
        verdict={<VerdictLine insurability={insurability} />}
        patientBirthDate={proposal?.patient.birthDate.value ?? undefined}
        routeBlocked={known !== undefined && known.route.kind !== 'eattest' && known.patient.ssin === (draft.ssin === '' ? proposedSsin : draft.ssin)}
        signingIn={signingIn}
        prepareSend={prepareSend}
        onDraftChange={setDraft}
        onSent={() => setSent((count) => count + 1)}
        onFieldChecks={setFieldChecks}
      />
      <details class="disclosure" data-testid="more-details">
        <summary>{t('glanceMore')}</summary>
        {details !== undefined && (
          <details.PatientDetails
            insurability={insurability}
            proposedCodes={draft.acts.map((act) => act.code).filter((code) => /^\d{6}$/.test(code))}
            proposedTeeth={Object.fromEntries(draft.acts.flatMap((act) => (act.details?.tooth !== undefined ? [[act.code, act.details.tooth]] : [])))}
          />
        )}
      </details>
      {/* EHR proposal (ehr adapters): what the page read, correctable; it seeds the attestation draft. */}
      {/* Opened by itself when something read needs the clinician: a newer reading of the page, a problem of the reading, or a rule a field breaks. */}
      <details class="disclosure" data-testid="fields-as-read" open={newerReading || fieldChecks.size > 0 || (proposal !== undefined && proposalProblems(proposal).length > 0)}>
        <summary>{t('glanceFieldsAsRead')}</summary>
        <ProposalPanel
          fieldChecks={fieldChecks}
          profession={profession}
          onNewerAvailable={setNewerReading}
          onProposal={(read) => {
            setProposal(read);
            setDraft(draftFromProposal(read));
            setFieldChecks(new Map());
          }}
        />
      </details>
      <details class="disclosure" data-testid="today">
        <summary>{t('glanceToday')}</summary>
        {today !== undefined && <today.TodayHistory refreshToken={sent} />}
      </details>
      <p class="footer-link">
        <button type="button" class="link" data-testid="open-options" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('glanceDiagnostics')}
        </button>
      </p>
    </main>
  );
}

const root = document.getElementById('app');
// The clinician's language (a catalog only when it is not the browser's) before the first render.
if (root !== null) void loadLanguage().then(() => render(<Popup />, root));
