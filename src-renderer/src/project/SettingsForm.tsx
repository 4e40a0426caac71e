import { useState } from 'react';
import type { SettingGroupName, SettingsInfo, SettingValue } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { settingLabel, SETTING_GROUP_LABELS } from './setting-words.ts';

/**
 * The project's tunable thresholds, by group. Saving a group recomputes what it affects by itself (quality and
 * classification: classify then coverage; coverage: coverage), and the views say "recomputing…" meanwhile.
 */
export function SettingsForm({ revision }: { revision: number }) {
  const api = useApi();
  const q = useQuery(() => api.call('settings.get', {}), [api], { refresh: [revision] });
  if (q.error) return <p className="error">Settings could not be read: {q.error}</p>;
  if (!q.data) return null;
  return (
    <section className="card settings" aria-label="Thresholds" data-testid="settings">
      <h3>Thresholds</h3>
      <p className="muted">Saving re-checks the photos and the coverage by itself.</p>
      {q.data.groups.map((g) => (
        <GroupForm key={g.name} group={g} onSaved={(next) => q.setData(() => next)} />
      ))}
    </section>
  );
}

function GroupForm({ group, onSaved }: { group: SettingsInfo['groups'][number]; onSaved: (next: SettingsInfo) => void }) {
  const api = useApi();
  const [edits, setEdits] = useState<Record<string, SettingValue>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const name: SettingGroupName = group.name;
  const save = async () => {
    setError(null);
    try {
      onSaved(await api.call('settings.set', { group: name, values: edits }));
      setEdits({});
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form
      className="setting-group"
      aria-label={SETTING_GROUP_LABELS[name]}
      data-testid={`settings-${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>{SETTING_GROUP_LABELS[name]}</legend>
        {Object.entries(group.defaults).map(([key, fallback]) => {
          const value = key in edits ? edits[key]! : group.values[key]!;
          const changed = group.changed.includes(key);
          return (
            <label key={key} className={typeof fallback === 'boolean' ? 'check' : 'setting'}>
              {typeof fallback === 'boolean' ? (
                <input type="checkbox" checked={value === true} onChange={(e) => setEdits({ ...edits, [key]: e.currentTarget.checked })} />
              ) : null}
              <span>{settingLabel(key)}</span>
              {typeof fallback !== 'boolean' && (
                <input
                  type="number"
                  step="any"
                  aria-label={settingLabel(key)}
                  value={value === null ? '' : String(value)}
                  placeholder={fallback === null ? 'not set' : undefined}
                  onChange={(e) => {
                    const text = e.currentTarget.value;
                    setEdits({ ...edits, [key]: text === '' && fallback === null ? null : Number(text) });
                  }}
                />
              )}
              {changed && <span className="muted"> (default {fallback === null ? 'not set' : String(fallback)})</span>}
            </label>
          );
        })}
      </fieldset>
      <button type="submit" disabled={Object.keys(edits).length === 0}>
        Save {SETTING_GROUP_LABELS[name].toLowerCase()}
      </button>
      {saved && Object.keys(edits).length === 0 && <span className="muted" role="status"> Saved.</span>}
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
