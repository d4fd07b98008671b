import { render } from 'preact';
import { loadLanguage, t } from '../ui/i18n.js';
import { AdaptersView } from './AdaptersView.js';
import { DiagnosticsView } from './DiagnosticsView.js';
import { LanguageView } from './LanguageView.js';
import { SitesView } from './SitesView.js';
import '../ui/style.css';

function Options() {
  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      <DiagnosticsView />
      <SitesView />
      <AdaptersView />
      <LanguageView />
    </main>
  );
}

const root = document.getElementById('app');
// The clinician's language (a catalog only when it is not the browser's) before the first render.
if (root !== null) void loadLanguage().then(() => render(<Options />, root));
