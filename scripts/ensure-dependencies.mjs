// Runs `npm ci` when node_modules is missing or older than package-lock.json, so that `npm start`
// and `npm test` are each the only command a fresh checkout needs. Plain Node: nothing to install first.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const modules = join(root, 'node_modules');
// A node_modules linked from another checkout (a git worktree sharing one install) is that
// checkout's: npm ci here would empty it through the link, under the other checkout's feet.
const linked = existsSync(modules) && lstatSync(modules).isSymbolicLink();
if (!linked && (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs)) {
  process.stdout.write('installing dependencies (npm ci)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
