import { useEffect, useState } from 'preact/hooks';
import type { ActFieldKey, ConsultationProposal, Field } from '../shared/domain/consultation.js';
import { ACT_FIELDS, correctField, proposalProblems, type FieldPath } from '../shared/domain/consultation-fields.js';
import { ID_DOC_MEDIA_TYPES, PLACE_TYPES } from '../shared/domain/attestation-rules.js';
import type { AttestationProblem } from '../shared/domain/attestation-checks.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t, type MessageKey } from '../ui/i18n.js';
import type { Profession } from '../shared/domain/profession.js';
import { useCurrentProposal } from './current-proposal.js';

/** Act columns shown: the ones any act of this proposal has a value or a problem for (its own or the insurers' rules'), and the required ones. */
function actColumns(proposal: ConsultationProposal, fieldChecks: ReadonlyMap<string, AttestationProblem>): ActFieldKey[] {
  return (Object.keys(ACT_FIELDS) as ActFieldKey[]).filter(
    (key) =>
      ACT_FIELDS[key].required ||
      proposal.acts.some((act, index) => act[key].raw !== null || act[key].problem !== null || fieldChecks.has(pathName({ part: 'act', index, field: key }))),
  );
}

const NO_CHECKS: ReadonlyMap<string, AttestationProblem> = new Map();

function pathName(path: FieldPath): string {
  return path.part === 'act' ? `act.${path.index}.${path.field}` : `${path.part}.${path.field}`;
}

/** Fields chosen from a list rather than typed: the kind of place, how and what the eID reading was. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  placeType: PLACE_TYPES,
  eidInputType: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
  eidMediaType: ID_DOC_MEDIA_TYPES,
};

function FieldInput({
  field,
  path,
  label,
  check,
  onCorrect,
}: {
  field: Field<unknown>;
  path: FieldPath;
  label: string;
  /** What the insurers' rules found about this field at the last review. */
  check?: AttestationProblem | undefined;
  onCorrect: (path: FieldPath, text: string) => void;
}) {
  const name = pathName(path);
  const choices = CHOICES[path.field];
  return (
    <>
      {choices !== undefined ? (
        <select
          aria-label={label}
          data-field={name}
          data-problem={field.problem ?? undefined}
          aria-invalid={field.problem !== null}
          value={field.raw ?? ''}
          onChange={(event) => onCorrect(path, event.currentTarget.value)}
        >
          <option value="" />
          {/* A value the page read that is not a choice stays shown, with its problem. */}
          {field.raw !== null && field.raw !== '' && !choices.includes(field.raw) && <option value={field.raw}>{field.raw}</option>}
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      ) : (
        <input
          aria-label={label}
          data-field={name}
          data-problem={field.problem ?? undefined}
          aria-invalid={field.problem !== null}
          value={field.raw ?? ''}
          maxLength={200}
          onChange={(event) => onCorrect(path, event.currentTarget.value)}
        />
      )}
      {field.problem !== null && <span class="field-problem">{t(`problem_${field.problem}` as MessageKey)}</span>}
      {field.problem === null && check !== undefined && (
        <span class="field-problem" data-check={check.rule}>
          {t(check.messageKey)}
        </span>
      )}
      {field.corrected && <span class="muted"> ({t('proposalCorrected')})</span>}
    </>
  );
}

export interface ProposalViewProps {
  proposal: ConsultationProposal;
  /** The insurers' rules' problems found at the last review, by field name (`act.0.placeService`). */
  fieldChecks?: ReadonlyMap<string, AttestationProblem>;
  /** The clinician's corrections produce a new proposal value (same id, corrected fields marked). */
  onCorrect: (proposal: ConsultationProposal) => void;
  newerAvailable: boolean;
  onShowNewer: () => void;
  /** The signed-in provider's profession: a guard post is asked for the physician on duty. */
  profession?: Profession | undefined;
}

const PERFORMER_FIELDS = ['performerNihii', 'performerSsin', 'performerFirstName', 'performerLastName'] as const;

/** The consultation as read from the EHR, each field with its problem, every field correctable. */
export function ProposalView({ proposal, fieldChecks = NO_CHECKS, onCorrect, newerAvailable, onShowNewer, profession }: ProposalViewProps) {
  const correct = (path: FieldPath, text: string) => onCorrect(correctField(proposal, path, text));
  const problems = proposalProblems(proposal);
  const columns = actColumns(proposal, fieldChecks);
  const patientFields = ['ssin', 'familyName', 'firstName', 'birthDate'] as const;
  // The eID reading fields are always offered: the clinician may type what the EHR does not show.
  // The physician on duty only where it means something: at a guard post, or when the page gave one (to be removed).
  const performerShown = profession === 'guardPost' || PERFORMER_FIELDS.some((field) => (proposal.consultation[field].raw?.trim() ?? '') !== '');
  const consultationFields = ['date', 'providerHint', 'eidReadAt', 'eidInputType', 'eidMediaType', 'eidCardNumber', ...(performerShown ? PERFORMER_FIELDS : [])] as const;
  return (
    <section data-testid="proposal" data-proposal-id={proposal.id}>
      <h2>{t('proposalTitle')}</h2>
      <p class="muted">{t('proposalSource', proposal.origin)}</p>
      {newerAvailable && (
        <div class="banner banner-warn" role="status" data-testid="proposal-newer">
          <p>{t('proposalChanged')}</p>
          <button type="button" onClick={onShowNewer}>{t('proposalShowNew')}</button>
        </div>
      )}
      <p class={problems.length > 0 ? 'field-problem' : 'ok'} data-testid="proposal-summary" data-problems={problems.length}>
        {problems.length > 0 ? t('proposalToCheck', String(problems.length)) : t('proposalComplete')}
      </p>
      {problems.some((problem) => problem.problem === 'noActs') && <p class="field-problem">{t('problem_noActs')}</p>}
      <div class="row">
        {patientFields.map((field) => (
          <label key={field}>
            {t(`field_${field}`)}
            <FieldInput field={proposal.patient[field]} path={{ part: 'patient', field }} label={t(`field_${field}`)} onCorrect={correct} />
          </label>
        ))}
        {consultationFields.map((field) => (
          <label key={field}>
            {t(`field_${field}`)}
            <FieldInput field={proposal.consultation[field]} path={{ part: 'consultation', field }} label={t(`field_${field}`)} check={fieldChecks.get(`consultation.${field}`)} onCorrect={correct} />
          </label>
        ))}
      </div>
      {proposal.acts.length > 0 && (
        <table data-testid="proposal-acts">
          <caption class="muted">{t('proposalActs')}</caption>
          <thead>
            <tr>{columns.map((key) => <th key={key}>{t(`field_${key}`)}</th>)}</tr>
          </thead>
          <tbody>
            {proposal.acts.map((act, index) => (
              <tr key={index}>
                {columns.map((key) => (
                  <td key={key}>
                    <FieldInput field={act[key]} path={{ part: 'act', index, field: key }} label={t(`field_${key}`)} check={fieldChecks.get(`act.${index}.${key}`)} onCorrect={correct} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * The popup's proposal block: loads the tab's proposal, keeps the clinician's corrections, and hands
 * every version up (`onProposal`) for the attestation form.
 */
export function ProposalPanel({
  onProposal,
  onNewerAvailable,
  fieldChecks,
  profession,
}: {
  onProposal?: (proposal: ConsultationProposal) => void;
  /** The page proposed again while the popup shows an earlier reading (the popup then opens this panel). */
  onNewerAvailable?: (newer: boolean) => void;
  fieldChecks?: ReadonlyMap<string, AttestationProblem>;
  profession?: Profession | undefined;
}) {
  const { state, reload } = useCurrentProposal();
  const newer = state.phase === 'done' && state.newerAvailable;
  useEffect(() => onNewerAvailable?.(newer), [newer]);
  const [shown, setShown] = useState<ConsultationProposal | null>(null);
  useEffect(() => {
    if (state.phase !== 'done') return;
    setShown(state.proposal);
    if (state.proposal !== null) onProposal?.(state.proposal);
  }, [state.phase === 'done' ? state.proposal : undefined]);

  if (state.phase === 'loading') return null;
  if (state.phase === 'failed') return <ErrorNotice error={state.error} />;
  if (shown === null) return <p class="muted" data-testid="proposal-none">{t('proposalNone')}</p>;
  return (
    <ProposalView
      proposal={shown}
      {...(fieldChecks !== undefined ? { fieldChecks } : {})}
      newerAvailable={state.newerAvailable}
      onShowNewer={reload}
      profession={profession}
      onCorrect={(corrected) => {
        setShown(corrected);
        onProposal?.(corrected);
      }}
    />
  );
}
