import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { BROWSERS, HOST_DESCRIPTION, LINUX_PACKAGE_PATHS, hostManifest, launcherScript, linuxSystemManifestDirectory } from '../native-host/src/install/plan.js';
import { NATIVE_HOST_NAME } from '../src/shared/identity.js';
import { PRODUCT_VERSION } from '../src/shared/version.js';
import { packageDir } from './package-host.js';

/**
 * The Linux package (`dpkg-deb -b`): the packaged host, the launcher the browsers start, the
 * `eattest-host` command, and a production host manifest (store extension ids only) for Chromium,
 * Chrome, Edge and Firefox in their system folders. Nothing else: dpkg removes exactly these on
 * uninstall. The manifests and the launcher come from the same code `eattest-host install` uses.
 *
 * The control archive has the control file and md5sums (so that `dpkg --verify` finds an installed
 * host that was altered), and no maintainer script and no conffiles, on purpose: the manifests are
 * not the administrator's to edit, and as conffiles `dpkg -r` would keep them (only a purge removes
 * conffiles), leaving every browser a manifest whose host is gone.
 */

export const DEB_PACKAGE_NAME = 'eattest-companion-host';
/** Where the package puts the host; the launcher and the manifests name these absolute paths. */
export const DEB_HOST_PATH = LINUX_PACKAGE_PATHS.host;
export const DEB_LAUNCHER_PATH = LINUX_PACKAGE_PATHS.launcher;
export const DEB_COMMAND_PATH = LINUX_PACKAGE_PATHS.command;

const DEB_ARCHITECTURES: Partial<Record<NodeJS.Architecture, string>> = { x64: 'amd64', arm64: 'arm64' };

/** Every file the package installs (absolute paths), for the test that checks it installs nothing else. */
export function debInstalledPaths(): string[] {
  return [DEB_HOST_PATH, DEB_LAUNCHER_PATH, DEB_COMMAND_PATH, ...BROWSERS.map((browser) => posix.join(linuxSystemManifestDirectory(browser), `${NATIVE_HOST_NAME}.json`))];
}

export function packageDeb(hostExecutable: string, options: { log?: (text: string) => void } = {}): string {
  const architecture = DEB_ARCHITECTURES[process.arch];
  if (process.platform !== 'linux' || architecture === undefined) throw new Error(`the .deb is built on Linux x64 or arm64, not ${process.platform} ${process.arch}`);
  const stage = join(packageDir, 'deb-root');
  rmSync(stage, { recursive: true, force: true });
  const place = (path: string, write: (target: string) => void, mode: number): void => {
    const target = join(stage, path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    write(target);
    chmodSync(target, mode);
  };

  place(DEB_HOST_PATH, (target) => copyFileSync(hostExecutable, target), 0o755);
  place(DEB_LAUNCHER_PATH, (target) => writeFileSync(target, launcherScript('linux', { nodePath: DEB_HOST_PATH, hostScript: DEB_HOST_PATH, kind: 'production' })), 0o755);
  mkdirSync(join(stage, dirname(DEB_COMMAND_PATH)), { recursive: true, mode: 0o755 });
  symlinkSync(posix.relative(posix.dirname(DEB_COMMAND_PATH), DEB_HOST_PATH), join(stage, DEB_COMMAND_PATH));
  for (const browser of BROWSERS) {
    const manifest = posix.join(linuxSystemManifestDirectory(browser), `${NATIVE_HOST_NAME}.json`);
    place(manifest, (target) => writeFileSync(target, `${JSON.stringify(hostManifest(browser, DEB_LAUNCHER_PATH, 'production'), null, 2)}\n`), 0o644);
  }
  const installedPaths = debInstalledPaths();
  const control = [
    `Package: ${DEB_PACKAGE_NAME}`,
    `Version: ${PRODUCT_VERSION}`,
    `Architecture: ${architecture}`,
    `Installed-Size: ${installedSizeKib(stage, installedPaths)}`,
    'Maintainer: eAttest companion <support@eattest.be>',
    // The packaged host is a Node binary: it needs the C and C++ runtimes, nothing more.
    'Depends: libc6, libstdc++6',
    'Section: misc',
    'Priority: optional',
    `Description: ${HOST_DESCRIPTION}`,
    ' The native messaging host of the eAttest companion browser extension, registered for',
    ' Chromium, Google Chrome, Microsoft Edge and Firefox.',
    '',
  ].join('\n');
  place('DEBIAN/control', (target) => writeFileSync(target, control), 0o644);
  place('DEBIAN/md5sums', (target) => writeFileSync(target, md5sums(stage, installedPaths)), 0o644);

  const deb = join(packageDir, `${DEB_PACKAGE_NAME}_${PRODUCT_VERSION}_${architecture}.deb`);
  rmSync(deb, { force: true });
  // gzip: xz spends ~1.5 min of two cores on the 100 MB executable, for a third less.
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, deb], { stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(stage, { recursive: true, force: true });
  options.log?.(`wrote ${deb}`);
  return deb;
}

/** As dpkg-gencontrol counts it: each file's size in KiB rounded up, one per symlink. */
function installedSizeKib(stage: string, paths: readonly string[]): number {
  return paths.reduce((sum, path) => {
    const stat = lstatSync(join(stage, path));
    return sum + (stat.isSymbolicLink() ? 1 : Math.ceil(stat.size / 1024));
  }, 0);
}

/** DEBIAN/md5sums as dh_md5sums writes it: one line per regular file, its path without the leading slash. */
function md5sums(stage: string, paths: readonly string[]): string {
  return paths
    .filter((path) => !lstatSync(join(stage, path)).isSymbolicLink())
    .sort()
    .map((path) => `${createHash('md5').update(readFileSync(join(stage, path))).digest('hex')}  ${path.slice(1)}\n`)
    .join('');
}
