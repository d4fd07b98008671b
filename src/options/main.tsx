import { render } from 'preact';
import { t } from '../ui/i18n.js';
import { AdaptersView } from './AdaptersView.js';
import { DiagnosticsView } from './DiagnosticsView.js';
import { SitesView } from './SitesView.js';
import '../ui/style.css';

function Options() {
  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      <DiagnosticsView />
      <SitesView />
      <AdaptersView />
    </main>
  );
}

const root = document.getElementById('app');
if (root !== null) {
  document.documentElement.lang = t('languageCode');
  render(<Options />, root);
}
