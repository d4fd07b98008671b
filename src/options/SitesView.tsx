import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { sitePatternFor } from '../shared/sites.js';
import { t } from '../ui/i18n.js';

/** The EHR sites where the content script may run: granted one origin at a time by the clinician. */
export function SitesView() {
  const [granted, setGranted] = useState<string[]>([]);
  const [input, setInput] = useState('');
  const [problem, setProblem] = useState<string | undefined>();

  const reload = () => {
    browser.permissions
      .getAll()
      .then((all) => setGranted(all.origins ?? []))
      .catch(() => setGranted([]));
  };
  useEffect(reload, []);

  const add = (event: Event) => {
    event.preventDefault();
    const result = sitePatternFor(input);
    if (!result.ok) {
      setProblem(t(result.reason === 'insecure' ? 'siteInsecure' : 'siteInvalid'));
      return;
    }
    setProblem(undefined);
    // Must run inside the click: the browser asks the clinician to confirm.
    browser.permissions
      .request({ origins: [result.pattern] })
      .then((allowed) => {
        if (!allowed) setProblem(t('siteRefused'));
        setInput('');
        reload();
      })
      .catch(() => setProblem(t('siteInvalid')));
  };

  const remove = (pattern: string) => {
    browser.permissions.remove({ origins: [pattern] }).then(reload, reload);
  };

  return (
    <section>
      <h2>{t('sitesTitle')}</h2>
      <p class="muted">{t('sitesExplanation')}</p>
      {granted.length === 0 ? (
        <p data-testid="sites-empty">{t('sitesNone')}</p>
      ) : (
        <ul data-testid="sites">
          {granted.map((pattern) => (
            <li key={pattern}>
              <code>{pattern}</code>{' '}
              <button type="button" onClick={() => remove(pattern)}>
                {t('siteRemove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <label>
          {t('siteAddLabel')}{' '}
          <input value={input} onInput={(event) => setInput(event.currentTarget.value)} placeholder="https://ehr.example.be" maxLength={2048} />
        </label>{' '}
        <button type="submit">{t('siteAdd')}</button>
        {problem !== undefined && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </section>
  );
}
