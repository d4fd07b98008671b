import { useState } from 'preact/hooks';
import { formatCents } from '../shared/domain/money-text.js';
import type { Tariffs } from '../shared/domain/tariff.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import { askBackground } from '../ui/background.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t, type MessageKey } from '../ui/i18n.js';

type State = { phase: 'idle' } | { phase: 'loading' } | { phase: 'done'; tariffs: Tariffs } | { phase: 'failed'; error: ErrorPayload };

const CODE_LIST = /^\s*\d{6}(\s*[,;\s]\s*\d{6})*\s*$/;

function parseCodes(text: string): string[] | undefined {
  if (!CODE_LIST.test(text)) return undefined;
  const codes = [...new Set(text.split(/[,;\s]+/).filter((code) => code !== ''))];
  return codes.length <= 20 ? codes : undefined;
}

/** Known kmehr tariff errors get our own sentence; others show their code and the insurer's text. */
const EXPLAINED_TARIFF_ERRORS = new Set(['120', '121', '122', '146', '166', '169', '170', '171', '172', '175']);

/** Tariffs of today for the given codes: asked only when the clinician clicks, never on opening. */
export function TariffsView({ ssin, proposedCodes, proposedTeeth }: { ssin: string; proposedCodes: readonly string[]; proposedTeeth: Readonly<Record<string, string>> }) {
  const [codesInput, setCodesInput] = useState(proposedCodes.join(', '));
  const [state, setState] = useState<State>({ phase: 'idle' });
  const codes = parseCodes(codesInput);
  const locale = t('languageCode');

  const check = () => {
    if (codes === undefined) return;
    setState({ phase: 'loading' });
    // The tooth read with a code goes with it (CD-ISO-3950), for the codes still asked.
    const teeth = Object.fromEntries(codes.flatMap((code) => (proposedTeeth[code] !== undefined ? [[code, proposedTeeth[code]]] : [])));
    askBackground({ type: 'tariffs.get', ssin, codes, ...(Object.keys(teeth).length > 0 ? { teeth } : {}) })
      .then((tariffs) => setState({ phase: 'done', tariffs }))
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
  };

  return (
    <section data-testid="tariffs">
      <h3>{t('tariffsTitle')}</h3>
      <div class="row">
        <label>
          {t('tariffCodes')}
          <input data-testid="tariff-codes" value={codesInput} maxLength={200} onInput={(event) => setCodesInput(event.currentTarget.value)} />
        </label>
        <button type="button" data-testid="check-tariffs" disabled={codes === undefined || state.phase === 'loading'} onClick={check}>
          {t('checkTariffs')}
        </button>
      </div>
      {codesInput !== '' && codes === undefined && <p class="field-problem">{t('tariffCodesInvalid')}</p>}
      {state.phase === 'loading' && <p class="muted">{t('tariffsLoading')}</p>}
      {state.phase === 'failed' && <ErrorNotice error={state.error} />}
      {state.phase === 'done' && (
        <>
          <table data-testid="tariff-table">
            <thead>
              <tr>
                <th>{t('tariffCode')}</th>
                <th>{t('tariffFee')}</th>
                <th>{t('tariffReimbursement')}</th>
                <th>{t('tariffPatientShare')}</th>
              </tr>
            </thead>
            <tbody>
              {state.tariffs.lines.map((line) => (
                <tr key={line.code} data-code={line.code}>
                  <td>{line.code}</td>
                  <td class="amount">{formatCents(line.fee, locale)}</td>
                  <td class="amount">{formatCents(line.reimbursement, locale)}</td>
                  <td class="amount" data-testid="patient-share">{formatCents(line.patientShare, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.tariffs.errors.length > 0 && (
            <ul class="warnings" data-testid="tariff-errors">
              {state.tariffs.errors.map((error, index) => (
                <li key={index} data-code={error.code}>
                  {EXPLAINED_TARIFF_ERRORS.has(error.code) ? t(`tariffError_${error.code}` as MessageKey) : `${error.code}: ${error.description ?? ''}`}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
