import { useState } from 'preact/hooks';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import { brusselsDate, brusselsMonth } from '../shared/domain/calendar.js';
import { askBackground } from '../ui/background.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t } from '../ui/i18n.js';

const MONTH = /^\d{4}-(?:0[1-9]|1[0-2])$/;

/** Saves text as a file through a temporary link: no `downloads` permission needed. */
function saveAsFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The day's or a month's eAttests as CSV for the practice's bookkeeping (the current month by default). */
export function TodayExport() {
  const now = new Date();
  const [month, setMonth] = useState(brusselsMonth(now));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ fileName: string; rows: number } | undefined>();
  const [error, setError] = useState<ErrorPayload | undefined>();
  const exportPeriod = (period: { kind: 'day'; date: string } | { kind: 'month'; month: string }) => {
    setBusy(true);
    setSaved(undefined);
    setError(undefined);
    askBackground({ type: 'ledger.export', period })
      .then(({ fileName, csv, rows }) => {
        saveAsFile(fileName, csv);
        setSaved({ fileName, rows });
      })
      .catch((failure: unknown) => setError(toErrorPayload(failure)))
      .finally(() => setBusy(false));
  };
  return (
    <details class="ledger-export" data-testid="ledger-export">
      <summary>{t('todayExport')}</summary>
      <div class="ledger-export-controls">
        <button type="button" data-testid="export-day" disabled={busy} onClick={() => exportPeriod({ kind: 'day', date: brusselsDate(new Date()) })}>
          {t('todayExportDay')}
        </button>
      </div>
      <div class="ledger-export-controls">
        <label class="ledger-month">
          {t('todayExportMonthLabel')}
          <input type="month" data-testid="export-month-input" value={month} pattern="\d{4}-\d{2}" onInput={(event) => setMonth(event.currentTarget.value)} />
        </label>
        <button type="button" data-testid="export-month" disabled={busy || !MONTH.test(month)} onClick={() => exportPeriod({ kind: 'month', month })}>
          {t('todayExportMonth')}
        </button>
      </div>
      <p role="status" class="muted" data-testid="export-done" data-rows={saved?.rows}>
        {saved !== undefined ? t('todayExportDone', [saved.fileName, String(saved.rows)]) : ''}
      </p>
      {error !== undefined && <ErrorNotice error={error} />}
    </details>
  );
}
