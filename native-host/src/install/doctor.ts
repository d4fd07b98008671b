import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { AppError } from '../../../src/shared/errors.js';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID, INSTALL_KINDS, NATIVE_HOST_NAME, allowedExtensions, chromiumOrigin, type InstallKind } from '../../../src/shared/identity.js';
import { passwordStoreFor } from '../certificate/custody.js';
import { readStoredCertificate } from '../certificate/stored.js';
import { EXPIRY_WARNING_DAYS, withDaysToExpiry } from '../certificate/identity.js';
import { loadConfig, type HostConfig } from '../config.js';
import { loadPlatformAnchors, loadStsSigners, platformTrustSources, stsSignerSetting } from '../ehealth/trust/trust-store.js';
import { readOurManifest, type InstalledManifest } from './apply.js';
import { describeProtocolRange, installedExtensionVersions, installedHostVersion, thisHostVersion } from './versions.js';
import { BROWSERS, LINUX_PACKAGE_PATHS, allowedEntries, browserUserDataDirectory, installLocations, launcherKind, linuxSystemManifestDirectory, type Browser, type InstallTarget } from './plan.js';

export interface Finding {
  level: 'ok' | 'info' | 'warning' | 'problem';
  text: string;
  /** What to do about it. */
  fix?: string;
}

const MIN_NODE = [20, 19] as const;

function launcherTargets(content: string): string[] {
  const posixMatch = /^exec '((?:[^']|'\\'')*)' '((?:[^']|'\\'')*)' host/m.exec(content);
  if (posixMatch?.[1] !== undefined && posixMatch[2] !== undefined) return [posixMatch[1], posixMatch[2]].map((p) => p.replace(/'\\''/g, "'"));
  const batchMatch = /^"([^"]+)" "([^"]+)" host/m.exec(content);
  if (batchMatch?.[1] !== undefined && batchMatch[2] !== undefined) return [batchMatch[1], batchMatch[2]];
  return [];
}

/** Whether a store build of the extension is installed in any profile of this browser (Chromium family only). */
function storeExtensionInstalled(target: InstallTarget): boolean {
  const userData = browserUserDataDirectory(target);
  if (userData === undefined) return false;
  const storeIds = allowedExtensions('production').chromium;
  try {
    return readdirSync(userData, { withFileTypes: true }).some(
      (profile) => profile.isDirectory() && storeIds.some((id) => existsSync(join(userData, profile.name, 'Extensions', id))),
    );
  } catch {
    return false;
  }
}

/**
 * Which kind of install a manifest is: the launcher it points to says it (one per kind); else its
 * allow-list (a manifest naming the development id is a development install).
 */
function manifestKind(target: InstallTarget, manifest: InstalledManifest): InstallKind {
  const byLauncher = INSTALL_KINDS.find((kind) => installLocations(target, kind).launcherPath === manifest.path);
  if (byLauncher !== undefined) return byLauncher;
  return (manifest.allowed_origins ?? []).includes(chromiumOrigin(DEVELOPMENT_CHROMIUM_EXTENSION_ID)) ? 'development' : 'production';
}

/** Says which kind is installed, and whether the manifest allows exactly that kind's extensions. */
function checkAllowedExtensions(target: InstallTarget, manifest: InstalledManifest, kind: InstallKind, reinstall: string): Finding[] {
  const expected = allowedEntries(target.browser, kind);
  const allowed = (target.browser === 'firefox' ? manifest.allowed_extensions : manifest.allowed_origins) ?? [];
  const findings: Finding[] = [];
  if (kind === 'production') {
    findings.push({ level: 'ok', text: `${target.browser}: production install: only the published extension may start the host (${expected.join(', ')})` });
  } else {
    findings.push({
      level: 'warning',
      text: `${target.browser}: DEVELOPMENT install: only the development build may start the host (${expected.join(', ')}); its key is public, so any unpacked copy of it may too, and the published extension may not`,
      fix: `on a clinician's machine, ${reinstall.replace(' --development', '')} (without --development)`,
    });
    if (storeExtensionInstalled(target)) {
      findings.push({
        level: 'problem',
        text: `${target.browser}: the published extension is installed in this browser, but the host is a development install: the published extension cannot use it`,
        fix: reinstall.replace(' --development', ''),
      });
    }
  }
  if (!expected.every((entry) => allowed.includes(entry))) {
    findings.push({ level: 'problem', text: `${target.browser}: the manifest does not allow this extension`, fix: reinstall });
  }
  const others = allowed.filter((entry) => !expected.includes(entry));
  if (others.length > 0) {
    findings.push({ level: 'problem', text: `${target.browser}: the manifest also allows other extensions: ${others.join(', ').slice(0, 300)}`, fix: reinstall });
  }
  return findings;
}

/**
 * The installed host's version and protocol range (as the browser would start it), and the versions
 * of our extension this browser's profiles hold, when they can be found. The extension's own popup
 * says whether a pair works together; here, a pair of different versions is pointed out.
 */
function checkVersions(target: InstallTarget, kind: InstallKind, host: ReturnType<typeof installedHostVersion>, reinstall: string): Finding[] {
  if (host === undefined) return [{ level: 'warning', text: `${target.browser}: the installed host program does not say its version`, fix: reinstall }];
  const findings: Finding[] = [{ level: 'ok', text: `${target.browser}: installed host ${host.version}, ${describeProtocolRange(host.protocolRange)}` }];
  const userData = browserUserDataDirectory(target);
  if (userData === undefined) return findings;
  for (const extension of installedExtensionVersions(userData, allowedExtensions(kind).chromium)) {
    const where = `${target.browser}: extension ${extension.version} (${extension.id}) in profile ${extension.profile}`;
    findings.push(
      extension.version === host.version
        ? { level: 'ok', text: `${where}, the host's version` }
        : { level: 'info', text: `${where}, the host is ${host.version}`, fix: 'if the extension\'s popup says they do not work together, update the one it names' },
    );
  }
  return findings;
}

/**
 * The Linux package's install for this browser (system manifest, launcher, host), read under
 * `systemRoot` ('/' on a clinician's machine; a folder the package was unpacked into, for packagers).
 * Undefined when there is no system manifest.
 */
function checkSystemPackage(target: InstallTarget, systemRoot: string): Finding[] | undefined {
  const manifestPath = posix.join(linuxSystemManifestDirectory(target.browser), `${NATIVE_HOST_NAME}.json`);
  const manifest = readOurManifest(join(systemRoot, manifestPath));
  if (manifest === null) return undefined;
  const reinstall = 'reinstall the package (sudo apt install --reinstall ./eattest-companion-host_VERSION_amd64.deb)';
  const findings: Finding[] = [{ level: 'ok', text: `${target.browser}: manifest at ${manifestPath} (the system package)` }];
  findings.push(...checkAllowedExtensions(target, manifest, 'production', reinstall));
  if (manifest.path !== LINUX_PACKAGE_PATHS.launcher) {
    findings.push({ level: 'warning', text: `${target.browser}: the manifest points to ${manifest.path}, not ${LINUX_PACKAGE_PATHS.launcher}`, fix: reinstall });
  }
  const launcherPath = join(systemRoot, LINUX_PACKAGE_PATHS.launcher);
  try {
    accessSync(launcherPath, constants.X_OK);
    const launcher = readFileSync(launcherPath, 'utf8');
    const [hostPath, hostArgument] = launcherTargets(launcher);
    if (hostPath !== LINUX_PACKAGE_PATHS.host || hostArgument !== LINUX_PACKAGE_PATHS.host || launcherKind(launcher) !== 'production') {
      findings.push({ level: 'problem', text: `${target.browser}: the launcher ${LINUX_PACKAGE_PATHS.launcher} is not the package's`, fix: reinstall });
    } else {
      const host = join(systemRoot, LINUX_PACKAGE_PATHS.host);
      if (!existsSync(host)) findings.push({ level: 'problem', text: `${target.browser}: the host program (${LINUX_PACKAGE_PATHS.host}) is gone`, fix: reinstall });
      else findings.push(...checkVersions(target, 'production', installedHostVersion(host, host), reinstall));
    }
  } catch {
    findings.push({ level: 'problem', text: `${target.browser}: the launcher ${LINUX_PACKAGE_PATHS.launcher} is missing or not executable`, fix: reinstall });
  }
  return findings;
}

function checkBrowser(target: InstallTarget, installHint: string, systemRoot: string): Finding[] {
  const { manifestPath } = installLocations(target);
  const manifest = readOurManifest(manifestPath);
  if (manifest === null) {
    const packaged = target.platform === 'linux' && target.profileDir === undefined ? checkSystemPackage(target, systemRoot) : undefined;
    return packaged ?? [{ level: 'info', text: `${target.browser}: not installed (no manifest at ${manifestPath})` }];
  }
  const kind = manifestKind(target, manifest);
  const { launcherPath, registryKey } = installLocations(target, kind);
  const findings: Finding[] = [{ level: 'ok', text: `${target.browser}: manifest at ${manifestPath}` }];
  const reinstall = `run \`${installHint} --browser ${target.browser}${target.profileDir !== undefined ? ` --profile ${target.profileDir}` : ''}${kind === 'development' ? ' --development' : ''}\``;
  findings.push(...checkAllowedExtensions(target, manifest, kind, reinstall));
  if (manifest.path !== launcherPath) {
    findings.push({ level: 'warning', text: `${target.browser}: the manifest points to ${manifest.path}, not ${launcherPath}`, fix: reinstall });
  }
  try {
    accessSync(launcherPath, process.platform === 'win32' ? constants.R_OK : constants.X_OK);
    const launcher = readFileSync(launcherPath, 'utf8');
    const [nodePath, hostScript] = launcherTargets(launcher);
    if (nodePath === undefined || hostScript === undefined) {
      findings.push({ level: 'problem', text: `${target.browser}: the launcher ${launcherPath} was not written by eattest-host`, fix: reinstall });
    } else {
      if (launcherKind(launcher) !== kind) {
        findings.push({ level: 'problem', text: `${target.browser}: the launcher ${launcherPath} is not written for a ${kind} install (the host would refuse the extension)`, fix: reinstall });
      }
      if (!existsSync(nodePath)) findings.push({ level: 'problem', text: `${target.browser}: the launcher's node (${nodePath}) is gone`, fix: reinstall });
      if (!existsSync(hostScript)) findings.push({ level: 'problem', text: `${target.browser}: the host program (${hostScript}) is gone`, fix: `build it (npm run build), then ${reinstall}` });
      else findings.push(...checkVersions(target, kind, installedHostVersion(nodePath, hostScript), reinstall));
    }
  } catch {
    findings.push({ level: 'problem', text: `${target.browser}: the launcher ${launcherPath} is missing or not executable`, fix: reinstall });
  }
  if (registryKey !== undefined) {
    try {
      const value = execFileSync('reg', ['query', registryKey, '/ve'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (!value.includes(manifestPath)) findings.push({ level: 'problem', text: `${target.browser}: the registry key ${registryKey} does not point to ${manifestPath}`, fix: reinstall });
    } catch {
      findings.push({ level: 'problem', text: `${target.browser}: the registry key ${registryKey} is missing`, fix: reinstall });
    }
  }
  return findings;
}

async function checkCertificate(config: HostConfig, stateDir: string, now: Date): Promise<Finding[]> {
  const importHint = 'run `eattest-host certificate import FILE.p12`';
  if (config.keystore === undefined) return [{ level: 'warning', text: 'no eHealth certificate imported yet', fix: importHint }];
  const findings: Finding[] = [];
  if (!existsSync(config.keystore.file)) findings.push({ level: 'problem', text: `the keystore ${config.keystore.file} is missing`, fix: importHint });
  const stored = readStoredCertificate(stateDir);
  if (stored === undefined) {
    findings.push({ level: 'problem', text: 'the certificate summary is missing', fix: importHint });
  } else {
    const summary = withDaysToExpiry(stored.summary, now);
    const what = `certificate of ${summary.subject} (${summary.organisation !== undefined ? `${summary.organisation.type} ${summary.organisation.id}` : `SSIN ${summary.ssin ?? ''}`}), valid until ${summary.notAfter.slice(0, 10)}`;
    if (summary.daysToExpiry < 0) findings.push({ level: 'problem', text: `${what}: EXPIRED`, fix: 'renew it with the eHealth certificate manager, then import the new keystore' });
    else if (summary.daysToExpiry <= EXPIRY_WARNING_DAYS) {
      findings.push({ level: 'warning', text: `${what}: expires in ${summary.daysToExpiry} days`, fix: 'renew it now with the eHealth certificate manager, then import the new keystore' });
    } else findings.push({ level: 'ok', text: `${what} (${summary.daysToExpiry} days left)` });
  }
  const store = passwordStoreFor(config, stateDir);
  try {
    const password = await store?.get();
    findings.push(
      password === undefined
        ? { level: 'problem', text: `the keystore password is not in ${store?.describe() ?? 'any store'}`, fix: importHint }
        : { level: 'ok', text: `keystore password available in ${store?.describe() ?? ''}` },
    );
  } catch (error) {
    findings.push({ level: 'problem', text: error instanceof Error ? error.message : 'the password store cannot be read', fix: importHint });
  }
  return findings;
}

/** The environment's platform trust store: configured, readable, and its CAs still valid. */
function checkTrustStore(config: HostConfig, now: Date): Finding[] {
  const where = `trust.platformCas.${config.environment} in config.json`;
  if (platformTrustSources(config).length === 0) {
    return [{ level: 'warning', text: `no platform trust store for the ${config.environment} environment`, fix: `list the platform's CA certificates (files or a folder) in ${where} (see the README)` }];
  }
  let anchors;
  try {
    anchors = loadPlatformAnchors(config);
  } catch (error) {
    return [{ level: 'problem', text: error instanceof Error ? error.message : 'the platform trust store cannot be read', fix: `correct ${where}` }];
  }
  const time = now.getTime();
  const valid = anchors.filter((anchor) => time >= Date.parse(anchor.validFrom) && time <= Date.parse(anchor.validTo));
  const text = `platform trust store (${config.environment}): ${anchors.length} CA certificate${anchors.length === 1 ? '' : 's'}`;
  if (valid.length === 0) return [{ level: 'problem', text: `${text}, none valid today`, fix: `put the platform's current CA certificates in ${where}` }];
  const expired = anchors.length - valid.length;
  return [expired > 0 ? { level: 'warning', text: `${text}, ${expired} of them expired`, fix: `remove or replace the expired ones in ${where}` } : { level: 'ok', text }];
}

/** The environment's pinned STS signing certificate: without it the host signs in nowhere. */
function checkStsSigners(config: HostConfig, now: Date): Finding[] {
  const where = `${stsSignerSetting(config)} in config.json`;
  let signers;
  try {
    signers = loadStsSigners(config);
  } catch (error) {
    return error instanceof AppError && error.details?.['missing'] !== undefined
      ? [{ level: 'warning', text: `the STS signing certificate of the ${config.environment} environment is not pinned: signing in is refused`, fix: `put the platform's STS signing certificate (a file or a folder) in ${where} (see the README)` }]
      : [{ level: 'problem', text: error instanceof Error ? error.message : 'the pinned STS certificate cannot be read', fix: `correct ${where}` }];
  }
  const time = now.getTime();
  const valid = signers.filter((signer) => time >= Date.parse(signer.validFrom) && time <= Date.parse(signer.validTo));
  const text = `STS signing certificate pinned (${config.environment}): ${signers.length}`;
  return [valid.length === 0 ? { level: 'problem', text: `${text}, none valid today`, fix: `put the STS's current signing certificate in ${where}` } : { level: 'ok', text }];
}

/** config.json may hold MyCareNet's licence password: only its owner may read or change it (POSIX modes). */
function checkConfigPermissions(stateDir: string): Finding[] {
  const file = join(stateDir, 'config.json');
  const mode = statSync(file, { throwIfNoEntry: false })?.mode;
  if (mode === undefined || process.platform === 'win32') return [];
  if ((mode & 0o077) === 0) return [];
  return [{ level: 'problem', text: `${file} can be read or changed by other users (mode ${(mode & 0o777).toString(8)}); it may hold the software licence password`, fix: `chmod 600 ${file}` }];
}

export async function runDoctor(options: {
  target: Omit<InstallTarget, 'browser'>;
  browsers?: readonly Browser[];
  stateDir: string;
  nodeVersion: string;
  installHint: string;
  /** Where the Linux package's system folders are read from: '/' unless a packager checks an unpacked package. */
  systemRoot?: string;
  now?: Date;
}): Promise<Finding[]> {
  const program = thisHostVersion();
  const findings: Finding[] = [{ level: 'ok', text: `eattest-host ${program.version}, ${describeProtocolRange(program.protocolRange)}` }];
  const [major = 0, minor = 0] = options.nodeVersion.replace(/^v/, '').split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    findings.push({ level: 'problem', text: `node ${options.nodeVersion} is too old`, fix: `install Node.js ${MIN_NODE.join('.')} or newer, then reinstall the host` });
  } else {
    findings.push({ level: 'ok', text: `node ${options.nodeVersion}` });
  }

  const browsers = options.browsers ?? (options.target.profileDir !== undefined ? BROWSERS.filter((b) => b !== 'firefox') : BROWSERS);
  const perBrowser = browsers.flatMap((browser) => checkBrowser({ ...options.target, browser }, options.installHint, options.systemRoot ?? '/'));
  findings.push(...perBrowser);
  if (!perBrowser.some((finding) => finding.level === 'ok')) {
    findings.push({ level: 'problem', text: 'the host is not installed for any browser', fix: `run \`${options.installHint} --browser chromium\` (or chrome, edge, firefox)` });
  }

  try {
    mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    accessSync(options.stateDir, constants.W_OK);
    findings.push({ level: 'ok', text: `state directory ${options.stateDir}` });
  } catch {
    findings.push({ level: 'problem', text: `the state directory ${options.stateDir} is not writable`, fix: 'fix its permissions, or set EATTEST_STATE_DIR to a writable folder' });
  }
  findings.push(...checkConfigPermissions(options.stateDir));
  try {
    const config = loadConfig(options.stateDir);
    findings.push({ level: 'ok', text: `environment: ${config.environment}` });
    findings.push(...checkTrustStore(config, options.now ?? new Date()));
    findings.push(...checkStsSigners(config, options.now ?? new Date()));
    findings.push(...(await checkCertificate(config, options.stateDir, options.now ?? new Date())));
  } catch (error) {
    findings.push({ level: 'problem', text: error instanceof Error ? error.message : 'the configuration cannot be read', fix: 'correct or remove config.json in the state directory' });
  }
  return findings;
}

export function formatFindings(findings: readonly Finding[]): string {
  const marks = { ok: 'ok     ', info: 'info   ', warning: 'WARNING', problem: 'PROBLEM' } as const;
  return `${findings
    .map((finding) => `${marks[finding.level]}  ${finding.text}${finding.fix !== undefined ? `\n         → ${finding.fix}` : ''}`)
    .join('\n')}\n`;
}
