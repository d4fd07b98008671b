import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * The real answers captured on MyCareNet's acceptance platform, beside the repository in
 * ../shared/reference/captures (PROVENANCE.md there says where each comes from). Tests read them
 * in place: the project keeps no copy.
 */
export const capturesDir = process.env['EATTEST_CAPTURES_DIR'] ?? join(repoRoot, '..', 'shared', 'reference', 'captures');

export interface Capture {
  folder: 'memberdata' | 'faults';
  name: string;
  path: string;
  xml: string;
}

export function captures(folder: Capture['folder']): Capture[] {
  const dir = join(capturesDir, folder);
  if (!existsSync(dir)) throw new Error(`the captures are not at ${dir}: check out shared/ beside the repository or set EATTEST_CAPTURES_DIR`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => ({ folder, name, path: join(dir, name), xml: readFileSync(join(dir, name), 'utf8') }));
}
