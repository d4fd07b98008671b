import { useEffect, useState } from 'preact/hooks';
import { LANGUAGE_NAMES, LANGUAGES } from '../shared/languages.js';
import { t } from '../ui/i18n.js';
import { languageSettingSchema, readLanguageSetting, saveLanguageSetting, type LanguageSetting } from '../ui/language-setting.js';

/**
 * The clinician's interface language: the browser's (default) or French, Dutch, German, English.
 * The pages load it before they render, so the options page reloads itself to show the choice.
 */
export function LanguageView() {
  const [setting, setSetting] = useState<LanguageSetting | undefined>();
  useEffect(() => {
    readLanguageSetting()
      .then(setSetting)
      .catch(() => setSetting('browser'));
  }, []);

  const choose = (value: string) => {
    const parsed = languageSettingSchema.safeParse(value);
    if (!parsed.success) return;
    setSetting(parsed.data);
    saveLanguageSetting(parsed.data)
      .then(() => location.reload())
      .catch((error: unknown) => console.warn('[eattest] the interface language could not be saved', error));
  };

  return (
    <section aria-labelledby="language-title">
      <h2 id="language-title">{t('languageTitle')}</h2>
      <label for="language-setting">{t('languageSettingLabel')}</label>{' '}
      <select id="language-setting" data-testid="language-setting" value={setting ?? 'browser'} disabled={setting === undefined} onChange={(event) => choose(event.currentTarget.value)}>
        <option value="browser">{t('languageBrowser')}</option>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
      <p class="muted">{t('languageSettingExplanation')}</p>
    </section>
  );
}
