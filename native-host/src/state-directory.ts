import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the host keeps its state: config, logs, the journal, the custody file and the code cache.
 * Its own module because the boot (boot/eattest-host.ts) needs it before any of the program loads.
 */
export function stateDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const override = env['EATTEST_STATE_DIR'];
  if (override !== undefined && override !== '') return override;
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'eAttest');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'eAttest');
  const xdgState = env['XDG_STATE_HOME'];
  return join(xdgState !== undefined && xdgState !== '' ? xdgState : join(home, '.local', 'state'), 'eattest');
}
