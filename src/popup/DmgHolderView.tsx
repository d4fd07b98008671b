import { useState } from 'preact/hooks';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import type { HostResult } from '../shared/host-protocol.js';
import { askBackground } from '../ui/background.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t } from '../ui/i18n.js';

type State = { phase: 'idle' } | { phase: 'loading' } | { phase: 'done'; result: HostResult<'dmgHolder'> } | { phase: 'failed'; error: ErrorPayload };

/** Who holds the patient's global medical file (DMG/GMD): asked only on the clinician's click. */
export function DmgHolderView({ ssin }: { ssin: string }) {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const ask = () => {
    setState({ phase: 'loading' });
    askBackground({ type: 'dmg.get', ssin })
      .then((result) => setState({ phase: 'done', result }))
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
  };
  return (
    <section data-testid="dmg">
      <h3>{t('dmgTitle')}</h3>
      {state.phase !== 'done' && (
        <button type="button" data-testid="check-dmg" disabled={state.phase === 'loading'} onClick={ask}>
          {t('checkDmg')}
        </button>
      )}
      {state.phase === 'failed' && <ErrorNotice error={state.error} />}
      {state.phase === 'done' && (
        <p data-testid="dmg-holder">
          {state.result.holder === null
            ? t('dmgNone')
            : t('dmgHolder', [[state.result.holder.familyName, state.result.holder.firstName].filter((part) => part !== undefined).join(' '), state.result.holder.nihii11])}
        </p>
      )}
    </section>
  );
}
