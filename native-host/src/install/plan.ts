import { posix, win32 } from 'node:path';
import { INSTALL_KIND_VARIABLE, NATIVE_HOST_NAME, allowedExtensions, chromiumOrigin, type InstallKind } from '../../../src/shared/identity.js';

/**
 * Where and what `eattest-host install` writes, for every browser on every platform, computed
 * without touching the machine so that each location can be unit-tested anywhere.
 */

export const BROWSERS = ['chromium', 'chrome', 'edge', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];
export type TargetPlatform = 'linux' | 'darwin' | 'win32';

export interface InstallTarget {
  platform: TargetPlatform;
  browser: Browser;
  home: string;
  /** Environment variables that move the locations: XDG_CONFIG_HOME, XDG_DATA_HOME, LOCALAPPDATA. */
  env: Readonly<Record<string, string | undefined>>;
  /** Install into one browser profile (a Chromium user-data directory) instead of for the user. */
  profileDir?: string | undefined;
}

export interface LauncherSpec {
  nodePath: string;
  hostScript: string;
  /** Baked into the launcher (the host checks its caller against it) and chooses the manifests' allowed extensions. */
  kind: InstallKind;
  /** Baked into the launcher so that a dedicated profile gets a dedicated host state. */
  stateDir?: string | undefined;
}

export type InstallStep =
  | { kind: 'file'; path: string; content: string; mode: number }
  | { kind: 'registry'; key: string; value: string };

export interface InstallPlan {
  browser: Browser;
  platform: TargetPlatform;
  kind: InstallKind;
  manifestPath: string;
  launcherPath: string;
  steps: InstallStep[];
}

export class InstallError extends Error {
  override readonly name = 'InstallError';
}

export const HOST_DESCRIPTION = 'eAttest companion native host: signs and sends MyCareNet eAttests';

function pathApi(platform: TargetPlatform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

/** The per-user folder where a browser looks for host manifests (Linux and macOS). */
function userManifestDirectory(target: InstallTarget): string {
  const join = pathApi(target.platform).join.bind(null);
  const { home, env, browser } = target;
  if (target.platform === 'darwin') {
    const support = join(home, 'Library', 'Application Support');
    const folder = { chromium: 'Chromium', chrome: join('Google', 'Chrome'), edge: 'Microsoft Edge', firefox: 'Mozilla' }[browser];
    return join(support, folder, 'NativeMessagingHosts');
  }
  if (browser === 'firefox') return join(home, '.mozilla', 'native-messaging-hosts');
  const config = nonEmpty(env['XDG_CONFIG_HOME']) ?? join(home, '.config');
  const folder = { chromium: 'chromium', chrome: 'google-chrome', edge: 'microsoft-edge' }[browser];
  return join(config, folder, 'NativeMessagingHosts');
}

/**
 * A Chromium-family browser's user data folder: its profiles, each with the Extensions folder where
 * the browser keeps store-installed extensions (doctor looks there). Undefined for Firefox.
 */
export function browserUserDataDirectory(target: InstallTarget): string | undefined {
  if (target.browser === 'firefox') return undefined;
  if (target.profileDir !== undefined) return target.profileDir;
  const path = pathApi(target.platform);
  if (target.platform === 'win32') {
    const vendor = { chromium: 'Chromium', chrome: path.join('Google', 'Chrome'), edge: path.join('Microsoft', 'Edge') }[target.browser];
    return path.join(nonEmpty(target.env['LOCALAPPDATA']) ?? path.join(target.home, 'AppData', 'Local'), vendor, 'User Data');
  }
  return path.dirname(userManifestDirectory(target));
}

/** Where the host's own files (launcher, and on Windows the manifests) live for a per-user install. */
export function hostDataDirectory(platform: TargetPlatform, home: string, env: InstallTarget['env']): string {
  const join = pathApi(platform).join.bind(null);
  if (platform === 'win32') return join(nonEmpty(env['LOCALAPPDATA']) ?? join(home, 'AppData', 'Local'), 'eAttest');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'eAttest');
  return join(nonEmpty(env['XDG_DATA_HOME']) ?? join(home, '.local', 'share'), 'eattest');
}

/** The registry key (under HKEY_CURRENT_USER) whose default value points a Windows browser to the manifest. */
export function windowsRegistryKey(browser: Browser): string {
  const vendor = { chromium: 'Chromium', chrome: 'Google\\Chrome', edge: 'Microsoft\\Edge', firefox: 'Mozilla' }[browser];
  return `HKCU\\Software\\${vendor}\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`;
}

/** The manifest's allow-list: Firefox names add-on ids, the Chromium family names origins. */
export function allowedEntries(browser: Browser, kind: InstallKind): string[] {
  const allowed = allowedExtensions(kind);
  return browser === 'firefox' ? [...allowed.firefox] : allowed.chromium.map(chromiumOrigin);
}

export function hostManifest(browser: Browser, launcherPath: string, kind: InstallKind): Record<string, unknown> {
  const common = { name: NATIVE_HOST_NAME, description: HOST_DESCRIPTION, path: launcherPath, type: 'stdio' };
  return browser === 'firefox' ? { ...common, allowed_extensions: allowedEntries(browser, kind) } : { ...common, allowed_origins: allowedEntries(browser, kind) };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function batchQuote(value: string): string {
  if (/["%\r\n]/.test(value)) throw new InstallError(`cannot write a Windows launcher for a path containing ", % or a line break: ${value}`);
  return `"${value}"`;
}

export function launcherScript(platform: TargetPlatform, spec: LauncherSpec): string {
  if (platform === 'win32') {
    const lines = ['@echo off', 'rem Written by `eattest-host install`: starts the eAttest native host with the node that installed it.'];
    lines.push(`set "${INSTALL_KIND_VARIABLE}=${spec.kind}"`);
    if (spec.stateDir !== undefined) lines.push(`set ${batchQuote(`EATTEST_STATE_DIR=${spec.stateDir}`)}`);
    lines.push(`${batchQuote(spec.nodePath)} ${batchQuote(spec.hostScript)} host %*`, '');
    return lines.join('\r\n');
  }
  const lines = ['#!/bin/sh', '# Written by `eattest-host install`: starts the eAttest native host with the node that installed it.'];
  lines.push(`${INSTALL_KIND_VARIABLE}=${spec.kind}`, `export ${INSTALL_KIND_VARIABLE}`);
  if (spec.stateDir !== undefined) lines.push(`EATTEST_STATE_DIR=${shellQuote(spec.stateDir)}`, 'export EATTEST_STATE_DIR');
  lines.push(`exec ${shellQuote(spec.nodePath)} ${shellQuote(spec.hostScript)} host "$@"`, '');
  return lines.join('\n');
}

/** The kind a launcher was written for, read back from it (undefined when it names none). */
export function launcherKind(content: string): InstallKind | undefined {
  const match = new RegExp(`^(?:set "|)${INSTALL_KIND_VARIABLE}=(production|development)"?\\r?$`, 'm').exec(content);
  return match?.[1] === 'development' || match?.[1] === 'production' ? match[1] : undefined;
}

/**
 * The manifest and launcher locations, without contents (what uninstall and doctor need). Each kind
 * has its own launcher, so that browsers of one user with installs of different kinds never share one.
 */
export function installLocations(target: InstallTarget, kind: InstallKind = 'production'): { manifestPath: string; launcherPath: string; registryKey?: string } {
  const join = pathApi(target.platform).join.bind(null);
  const baseName = kind === 'development' ? 'eattest-host-development' : 'eattest-host';
  const launcherName = target.platform === 'win32' ? `${baseName}.bat` : baseName;
  if (target.profileDir !== undefined) {
    if (target.browser === 'firefox') throw new InstallError('Firefox has no per-profile native hosts; install without --profile');
    if (target.platform === 'win32') throw new InstallError('on Windows, browsers find native hosts through the registry only; install without --profile');
    const folder = join(target.profileDir, 'NativeMessagingHosts');
    return { manifestPath: join(folder, `${NATIVE_HOST_NAME}.json`), launcherPath: join(folder, `${NATIVE_HOST_NAME}-${launcherName}`) };
  }
  const dataDir = hostDataDirectory(target.platform, target.home, target.env);
  const launcherPath = join(dataDir, launcherName);
  if (target.platform === 'win32') {
    return { manifestPath: join(dataDir, `${NATIVE_HOST_NAME}.${target.browser}.json`), launcherPath, registryKey: windowsRegistryKey(target.browser) };
  }
  return { manifestPath: join(userManifestDirectory(target), `${NATIVE_HOST_NAME}.json`), launcherPath };
}

export function planInstall(target: InstallTarget, launcher: LauncherSpec): InstallPlan {
  const { manifestPath, launcherPath, registryKey } = installLocations(target, launcher.kind);
  const steps: InstallStep[] = [
    { kind: 'file', path: launcherPath, content: launcherScript(target.platform, launcher), mode: 0o755 },
    { kind: 'file', path: manifestPath, content: `${JSON.stringify(hostManifest(target.browser, launcherPath, launcher.kind), null, 2)}\n`, mode: 0o644 },
  ];
  if (registryKey !== undefined) steps.push({ kind: 'registry', key: registryKey, value: manifestPath });
  return { browser: target.browser, platform: target.platform, kind: launcher.kind, manifestPath, launcherPath, steps };
}

/**
 * Where the Linux package (scripts/package-deb.ts) puts the host, the launcher the browsers start and
 * the `eattest-host` command; its manifests name these absolute paths, and `doctor` checks them.
 */
export const LINUX_PACKAGE_PATHS = {
  host: '/usr/lib/eattest-companion/eattest-host',
  launcher: '/usr/lib/eattest-companion/native-messaging-host',
  command: '/usr/bin/eattest-host',
} as const;

/**
 * The system-wide folder where a browser on Linux looks for host manifests (for every user): where
 * the Linux package puts them (scripts/package-deb.ts), beside the per-user ones `install` writes.
 * A browser reads the per-user manifest first, so the system one serves only when there is none.
 */
export function linuxSystemManifestDirectory(browser: Browser): string {
  return {
    chromium: '/etc/chromium/native-messaging-hosts',
    chrome: '/etc/opt/chrome/native-messaging-hosts',
    edge: '/etc/opt/edge/native-messaging-hosts',
    firefox: '/usr/lib/mozilla/native-messaging-hosts',
  }[browser];
}
