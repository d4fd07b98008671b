import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { adapterSchema, type Adapter } from '../shared/adapters/adapter-schema.js';

/**
 * The clinician's own adapters, made with the field picker or imported, in the extension's
 * IndexedDB (shared by the options page and the background). Each is validated with the adapter
 * schema when saved and again when read.
 */

interface AdapterDb extends DBSchema {
  adapters: { key: string; value: Adapter };
}

const DB_NAME = 'eattest-adapters';
const MAX_CUSTOM_ADAPTERS = 100;

let database: Promise<IDBPDatabase<AdapterDb>> | undefined;
function db(): Promise<IDBPDatabase<AdapterDb>> {
  database ??= openDB<AdapterDb>(DB_NAME, 1, {
    upgrade(upgrading) {
      upgrading.createObjectStore('adapters', { keyPath: 'id' });
    },
  });
  return database;
}

export async function listCustomAdapters(): Promise<Adapter[]> {
  const all = await (await db()).getAll('adapters');
  return all.flatMap((stored) => {
    const parsed = adapterSchema.safeParse(stored);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Saves (or replaces, by id) adapters; refuses the whole batch if one is invalid. */
export async function saveCustomAdapters(adapters: readonly unknown[]): Promise<Adapter[]> {
  const parsed = adapters.map((adapter) => adapterSchema.parse(adapter));
  const handle = await db();
  const existing = new Set(await handle.getAllKeys('adapters'));
  const added = parsed.filter((adapter) => !existing.has(adapter.id)).length;
  if (existing.size + added > MAX_CUSTOM_ADAPTERS) throw new RangeError(`at most ${MAX_CUSTOM_ADAPTERS} custom adapters`);
  const transaction = handle.transaction('adapters', 'readwrite');
  await Promise.all([...parsed.map((adapter) => transaction.store.put(adapter)), transaction.done]);
  return parsed;
}

export async function deleteCustomAdapter(id: string): Promise<void> {
  await (await db()).delete('adapters', id);
}
