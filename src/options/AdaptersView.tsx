import { useEffect, useState } from 'preact/hooks';
import { adapterFileSchema, MAX_ADAPTER_FILE_BYTES, type Adapter } from '../shared/adapters/adapter-schema.js';
import { deleteCustomAdapter, listCustomAdapters, saveCustomAdapters } from '../background/custom-adapters.js';
import { t } from '../ui/i18n.js';
import { FieldPicker } from './FieldPicker.js';

/** Reads an adapter file chosen by the clinician: size-capped, JSON, then the adapter schema. */
export async function readAdapterFile(file: Blob): Promise<Adapter[] | undefined> {
  if (file.size > MAX_ADAPTER_FILE_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    return undefined;
  }
  const parsed = adapterFileSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

function download(adapters: readonly Adapter[]): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(adapters, null, 2)}\n`], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'eattest-adapters.json';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The clinician's custom adapters: list, delete, export, import, and the field picker to make one. */
export function AdaptersView() {
  const [adapters, setAdapters] = useState<Adapter[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const reload = () => {
    listCustomAdapters().then(setAdapters, () => setAdapters([]));
  };
  useEffect(reload, []);

  const importFile = (file: File | undefined) => {
    if (file === undefined) return;
    readAdapterFile(file)
      .then(async (read) => {
        if (read === undefined) {
          setMessage({ kind: 'error', text: t('adaptersImportInvalid') });
          return;
        }
        await saveCustomAdapters(read);
        setMessage({ kind: 'ok', text: t('adaptersImported', String(read.length)) });
        reload();
      })
      .catch(() => setMessage({ kind: 'error', text: t('adaptersImportInvalid') }));
  };

  return (
    <section data-testid="adapters">
      <h2>{t('adaptersTitle')}</h2>
      <p class="muted">{t('adaptersExplanation')}</p>
      {adapters.length === 0 ? (
        <p data-testid="adapters-empty">{t('adaptersNone')}</p>
      ) : (
        <ul data-testid="adapters-list">
          {adapters.map((adapter) => (
            <li key={adapter.id}>
              <strong>{adapter.name}</strong> <code>{adapter.match.urls.join(' ')}</code>{' '}
              <button type="button" onClick={() => void deleteCustomAdapter(adapter.id).then(reload, reload)}>
                {t('adapterDelete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="row">
        <button type="button" disabled={adapters.length === 0} onClick={() => download(adapters)}>
          {t('adaptersExport')}
        </button>
        <label>
          {t('adaptersImport')}
          <input type="file" accept="application/json,.json" data-testid="adapters-import" onChange={(event) => importFile(event.currentTarget.files?.[0])} />
        </label>
      </div>
      {message !== undefined && (
        <p class={message.kind === 'ok' ? 'ok' : 'error'} role="status">
          {message.text}
        </p>
      )}
      <FieldPicker onSaved={reload} />
    </section>
  );
}
