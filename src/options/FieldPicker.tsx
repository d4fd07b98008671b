import { useEffect, useState } from 'preact/hooks';
import { t } from '../ui/i18n.js';
import { saveCustomAdapters } from '../background/custom-adapters.js';
import { buildCustomAdapter, missingPicks, PICK_TARGETS, type PickKey, type Picks } from './custom-adapter-builder.js';
import { pickElement, type PickedElement } from './pick-element.js';

interface EhrTab {
  id: number;
  windowId: number;
  url: string;
  title: string;
}

/** Tabs of granted EHR sites: the only tabs whose address the extension may see. */
async function ehrTabs(): Promise<EhrTab[]> {
  const tabs = await chrome.tabs.query({});
  return tabs.flatMap((tab) =>
    tab.id !== undefined && tab.url !== undefined && /^https?:/.test(tab.url) ? [{ id: tab.id, windowId: tab.windowId, url: tab.url, title: tab.title ?? tab.url }] : [],
  );
}

/** Runs the picker in the EHR tab and comes back to the options tab when the clinician clicked. */
async function pointAt(tab: EhrTab, label: string, inRow: boolean): Promise<PickedElement | null> {
  const options = await chrome.tabs.getCurrent();
  await chrome.tabs.update(tab.id, { active: true });
  await chrome.windows.update(tab.windowId, { focused: true });
  try {
    const [injection] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: pickElement, args: [t('pickerBanner', label), inRow] });
    return injection?.result ?? null;
  } finally {
    if (options?.id !== undefined) await chrome.tabs.update(options.id, { active: true });
  }
}

/**
 * Making an adapter for an EHR the companion does not know: the clinician chooses the EHR's tab,
 * points at each field once there, and saves. The result is checked with the adapter schema.
 */
export function FieldPicker({ onSaved }: { onSaved: () => void }) {
  const [tabs, setTabs] = useState<EhrTab[]>([]);
  const [tabId, setTabId] = useState<number | undefined>();
  const [name, setName] = useState('');
  const [picks, setPicks] = useState<Picks>({});
  const [pointing, setPointing] = useState<PickKey | undefined>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();

  const refreshTabs = () => {
    ehrTabs()
      .then((found) => {
        setTabs(found);
        setTabId((current) => (found.some((tab) => tab.id === current) ? current : found[0]?.id));
      })
      .catch(() => setTabs([]));
  };
  useEffect(refreshTabs, []);
  const tab = tabs.find((candidate) => candidate.id === tabId);

  const point = (key: PickKey, label: string, inRow: boolean) => {
    if (tab === undefined) return;
    setPointing(key);
    setMessage(undefined);
    pointAt(tab, label, inRow)
      .then((picked) => {
        if (picked !== null) setPicks((current) => ({ ...current, [key]: picked }));
      })
      .catch(() => setMessage({ kind: 'error', text: t('pickerFailed') }))
      .finally(() => setPointing(undefined));
  };

  const save = () => {
    if (tab === undefined) return;
    if (missingPicks(picks).length > 0) {
      setMessage({ kind: 'error', text: t('pickerMissing') });
      return;
    }
    try {
      const adapter = buildCustomAdapter(name, tab.url, picks, Date.now().toString(36));
      saveCustomAdapters([adapter])
        .then(() => {
          setMessage({ kind: 'ok', text: t('pickerSaved') });
          setPicks({});
          onSaved();
        })
        .catch(() => setMessage({ kind: 'error', text: t('pickerFailed') }));
    } catch {
      setMessage({ kind: 'error', text: t('pickerFailed') });
    }
  };

  if (tabs.length === 0) {
    return (
      <section data-testid="field-picker">
        <h3>{t('pickerTitle')}</h3>
        <p class="muted">{t('pickerNoTabs')}</p>
        <button type="button" onClick={refreshTabs}>{t('retry')}</button>
      </section>
    );
  }
  return (
    <section data-testid="field-picker">
      <h3>{t('pickerTitle')}</h3>
      <div class="row">
        <label>
          {t('pickerTab')}
          <select value={tabId} onChange={(event) => setTabId(Number(event.currentTarget.value))}>
            {tabs.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('pickerName')}
          <input value={name} maxLength={100} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
      </div>
      <table>
        <tbody>
          {PICK_TARGETS.map((target) => {
            const label = t(target.label);
            const picked = picks[target.key];
            return (
              <tr key={target.key} data-pick={target.key}>
                <td>
                  {label}
                  {target.required ? ' *' : ''}
                </td>
                <td>
                  <button type="button" disabled={pointing !== undefined} onClick={() => point(target.key, label, target.inRow)}>
                    {t('pickerPoint')}
                  </button>
                </td>
                <td class="muted">{pointing === target.key ? t('pickerPointing') : picked === undefined ? '' : <code title={picked.selector}>{picked.sample || picked.selector}</code>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" class="primary" onClick={save} disabled={pointing !== undefined}>
        {t('pickerSave')}
      </button>
      {message !== undefined && (
        <p class={message.kind === 'ok' ? 'ok' : 'error'} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
