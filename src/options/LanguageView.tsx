import { useEffect, useState } from 'preact/hooks';
import { LANGUAGES } from '../shared/languages.js';
import { LANGUAGE_NAMES } from '../ui/language-names.js';
import { browser } from '../ui/browser.js';
import { LANGUAGE_SETTING_KEY, t } from '../ui/i18n.js';
import { languageSettingSchema, parseLanguageSetting, type LanguageSetting } from '../ui/language-setting.js';

/**
 * The clinician's interface language: the browser's (default) or French, Dutch, German, English.
 * The pages load it before they render, so the options page reloads itself to show the choice.
 */
export function LanguageView() {
  const [setting, setSetting] = useState<LanguageSetting | undefined>();
  useEffect(() => {
    browser.storage.local
      .get(LANGUAGE_SETTING_KEY)
      .then((stored) => setSetting(parseLanguageSetting(stored[LANGUAGE_SETTING_KEY])))
      .catch(() => setSetting('browser'));
  }, []);

  const choose = (value: string) => {
    const parsed = languageSettingSchema.safeParse(value);
    if (!parsed.success) return;
    setSetting(parsed.data);
    // The browser's language is the absence of a choice.
    (parsed.data === 'browser' ? browser.storage.local.remove(LANGUAGE_SETTING_KEY) : browser.storage.local.set({ [LANGUAGE_SETTING_KEY]: parsed.data }))
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
