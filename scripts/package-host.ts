import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * The host as one executable without a Node install: a Node single-executable application
 * (node --experimental-sea-config, then postject, the way Node 20 documents it). Its one script is
 * a small boot (native-host/src/boot/sea.ts, with its V8 code cache made at packaging time:
 * useCodeCache); the program, the same CommonJS files as the development build's program/ folder
 * (native-host/vite.config.ts), rides in the blob as assets, and the boot compiles them through the
 * code cache in the state folder as the development boot does: one script of the whole program
 * (1.4 MB, compiled at every start) made the packaged host's start ~10 % slower than the
 * development one. The blob is injected into a copy of the Node binary that runs this script. The
 * executable is for the platform this runs on (Linux x64 in CI).
 */

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const packageDir = join(repoRoot, 'dist', 'package');
const seaDir = join(packageDir, 'sea');
export const packagedHostPath = join(packageDir, process.platform === 'win32' ? 'eattest-host.exe' : 'eattest-host');

/** Node's documented fuse: the marker postject flips so that the binary runs its injected blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export async function packageHost(options: { log?: (text: string) => void } = {}): Promise<string> {
  const log = options.log ?? (() => undefined);
  log('bundling the host\'s boot and its program…');
  await build({ root: repoRoot, configFile: join(repoRoot, 'native-host', 'vite.sea.config.ts'), logLevel: 'warn' });
  const programDir = join(seaDir, 'program');
  await build({ root: repoRoot, configFile: join(repoRoot, 'native-host', 'vite.config.ts'), logLevel: 'warn', build: { outDir: programDir, emptyOutDir: true } });
  // Asset keys: the files' paths relative to the program folder, '/'-separated (what boot/sea.ts asks for).
  const assets = Object.fromEntries(
    readdirSync(programDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.cjs'))
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [relative(programDir, path).split(sep).join('/'), path];
      }),
  );

  const blob = join(seaDir, 'eattest-host.blob');
  const seaConfig = join(seaDir, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify({ main: join(seaDir, 'eattest-host.cjs'), output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }),
  );
  log('preparing the single-executable blob (with its code cache)…');
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { cwd: seaDir, stdio: ['ignore', 'ignore', 'pipe'] });

  log(`injecting it into a copy of ${process.execPath}…`);
  mkdirSync(packageDir, { recursive: true });
  rmSync(packagedHostPath, { force: true });
  copyFileSync(process.execPath, packagedHostPath);
  chmodSync(packagedHostPath, 0o755);
  // Node's SEA steps on macOS: the copied node's signature goes before the injection (the release machine signs the result).
  if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', packagedHostPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  const injectArgs = [postject, packagedHostPath, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE];
  if (process.platform === 'darwin') injectArgs.push('--macho-segment-name', 'NODE_SEA');
  execFileSync(process.execPath, injectArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  log(`wrote ${packagedHostPath}`);
  return packagedHostPath;
}
