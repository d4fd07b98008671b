import { render } from 'preact';
import { HostStatusView } from '../ui/HostStatusView.js';
import { t } from '../ui/i18n.js';
import '../ui/style.css';

function Popup() {
  return (
    <main>
      <h1>{t('extName')}</h1>
      <HostStatusView />
    </main>
  );
}

const root = document.getElementById('app');
if (root !== null) {
  document.documentElement.lang = t('languageCode');
  render(<Popup />, root);
}
