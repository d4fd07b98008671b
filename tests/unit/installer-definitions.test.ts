import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../native-host/src/cli.js';
import { BROWSERS, allowedEntries, planInstall, type InstallTarget } from '../../native-host/src/install/plan.js';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID } from '../../src/shared/identity.js';
import { innoSetupScript, macosDistribution, macosPayloadPath, macosPostinstallScript, pascalString } from '../../scripts/package-installers.js';

/**
 * The installer definitions are read back as the installers would act on them, for a concrete
 * user, and compared with what `eattest-host install --browser X --dry-run --platform win32|darwin`
 * computes for that user when run by the packaged host (node and host script: the executable).
 */

interface DryRun {
  /** Each file the dry run would write, with its mode and its lines as it prints them. */
  files: Map<string, { mode: number; lines: string[] }>;
  registry: { key: string; value: string }[];
}

/**
 * `eattest-host install --browser X --dry-run --platform P` for every browser, for a user with this
 * home and environment, read back from what it prints. Run by the packaged host, node and the host
 * script are both the executable: here node is this process's, which the launcher's line names.
 */
async function dryRun(platform: 'win32' | 'darwin', env: { HOME: string; LOCALAPPDATA?: string }, hostPath: string): Promise<DryRun> {
  vi.stubEnv('HOME', env.HOME);
  vi.stubEnv('LOCALAPPDATA', env.LOCALAPPDATA);
  const result: DryRun = { files: new Map(), registry: [] };
  try {
    for (const browser of BROWSERS) {
      let out = '';
      const io = { out: (text: string) => void (out += text), err: (text: string) => void (out += text), hostScript: hostPath };
      expect(await runCli(['install', '--browser', browser, '--dry-run', '--platform', platform], io), out).toBe(0);
      let current: string[] | undefined;
      for (const line of out.replaceAll(process.execPath, hostPath).trimEnd().split('\n')) {
        const write = /^write (.+) \(mode ([0-7]+)\)$/.exec(line);
        const registry = /^reg add "(.+)" \/ve \/t REG_SZ \/d "(.+)" \/f$/.exec(line);
        if (write !== null) {
          current = [];
          result.files.set(write[1] as string, { mode: parseInt(write[2] as string, 8), lines: current });
        } else if (registry !== null) {
          result.registry.push({ key: registry[1] as string, value: registry[2] as string });
        } else if (line.startsWith('  | ') || line === '  |') {
          current?.push(line.slice(4));
        } else {
          expect(line).toBe(`# ${browser} on ${platform}`);
        }
      }
    }
  } finally {
    vi.unstubAllEnvs();
  }
  return result;
}

/** A file's content as the dry run prints it: its lines, whatever their breaks. */
function printedLines(content: string): string[] {
  return content.trimEnd().split(/\r?\n/);
}

/** Exactly what the packaged host's install writes (plan.ts, which the dry run prints): contents byte for byte. */
function plannedFiles(target: Omit<InstallTarget, 'browser'>, hostPath: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const browser of BROWSERS) {
    for (const step of planInstall({ ...target, browser }, { nodePath: hostPath, hostScript: hostPath, kind: 'production' }).steps) {
      if (step.kind === 'file') files.set(step.path, step.content);
    }
  }
  return files;
}

function expectStoreIdsOnly(files: Map<string, string>): void {
  const manifests = [...files.entries()].filter(([path]) => path.endsWith('.json'));
  expect(manifests).toHaveLength(BROWSERS.length);
  for (const [, content] of manifests) {
    const manifest = JSON.parse(content) as { allowed_origins?: string[]; allowed_extensions?: string[] };
    const allowed = manifest.allowed_origins ?? manifest.allowed_extensions ?? [];
    const browser = manifest.allowed_extensions !== undefined ? 'firefox' : 'chrome';
    expect(allowed).toEqual(allowedEntries(browser, 'production'));
    expect(allowed.join(' ')).not.toContain(DEVELOPMENT_CHROMIUM_EXTENSION_ID);
  }
}

/** Reads a Pascal string expression ('…' runs with '' for a quote, #13 #10 characters) back to its text. */
function readPascalString(expression: string): string {
  let text = '';
  for (const [, quoted, code] of expression.matchAll(/\s*(?:'((?:[^']|'')*)'|#(\d+))\s*/gy)) {
    text += quoted !== undefined ? quoted.replace(/''/g, `'`) : String.fromCharCode(Number(code));
  }
  return text;
}

/** One section of an Inno Setup script: its lines, comments left out. */
function innoSection(script: string, name: string): string[] {
  const lines = script.split('\r\n');
  const start = lines.indexOf(`[${name}]`);
  expect(start, `section [${name}]`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && /^\[\w+\]$/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((line) => line.trim() !== '' && !line.startsWith(';'));
}

/** An Inno Setup entry's parameters (Name: "value"; …). */
function innoParameters(line: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [, name, quoted, bare] of line.matchAll(/(\w+): (?:"((?:[^"]|"")*)"|([^;]*))(?:; |$)/g)) {
    parameters[name as string] = quoted !== undefined ? quoted.replace(/""/g, '"') : (bare ?? '').trim();
  }
  return parameters;
}

describe('the Windows installer (Inno Setup)', () => {
  const script = innoSetupScript();
  const localAppData = "C:\\Users\\Dr O'Brien\\AppData\\Local";
  const fill = (text: string, inJson: boolean): string => text.replaceAll('{localappdata}', inJson ? localAppData.replace(/\\/g, '\\\\') : localAppData);

  /** What the script's [Code] writes at ssPostInstall: WriteInstalledFile(path, content, inJson) calls. */
  function writtenFiles(): Map<string, string> {
    const files = new Map<string, string>();
    for (const line of innoSection(script, 'Code')) {
      const call = /^\s*WriteInstalledFile\((.*), (True|False)\);$/.exec(line);
      if (call === null) continue;
      const [path, content] = (call[1] as string).split(/, (?=['#])/).map(readPascalString);
      files.set(fill(path as string, false), fill(content as string, call[2] === 'True'));
    }
    return files;
  }

  function installedHost(): string {
    const [entry, ...others] = innoSection(script, 'Files').map(innoParameters);
    expect(others).toEqual([]);
    return win32.join(fill(entry?.['DestDir'] ?? '', false), entry?.['DestName'] ?? '');
  }

  it('is a per-user install with no administrator rights', () => {
    const setup = innoSection(script, 'Setup');
    expect(setup).toContain('PrivilegesRequired=lowest');
    expect(setup).toContain('DefaultDirName={localappdata}\\eAttest');
    expect(installedHost()).toBe(`${localAppData}\\eAttest\\eattest-host.exe`);
  });

  it('writes the files and the HKCU registry values the dry run computes, and nothing else', async () => {
    const expected = await dryRun('win32', { HOME: "C:\\Users\\Dr O'Brien", LOCALAPPDATA: localAppData }, installedHost());
    const files = writtenFiles();
    expect(new Map([...files].map(([path, content]) => [path, printedLines(content)]))).toEqual(new Map([...expected.files].map(([path, file]) => [path, file.lines])));
    expect(files).toEqual(plannedFiles({ platform: 'win32', home: "C:\\Users\\Dr O'Brien", env: { LOCALAPPDATA: localAppData } }, installedHost()));
    const registry = innoSection(script, 'Registry').map(innoParameters);
    expect(registry.map((entry) => ({ key: `${entry['Root']}\\${entry['Subkey']}`, value: fill(entry['ValueData'] ?? '', false) }))).toEqual(expected.registry);
    expect(registry.map((entry) => entry['Subkey'])).toEqual([
      'Software\\Chromium\\NativeMessagingHosts\\be.eattest.companion',
      'Software\\Google\\Chrome\\NativeMessagingHosts\\be.eattest.companion',
      'Software\\Microsoft\\Edge\\NativeMessagingHosts\\be.eattest.companion',
      'Software\\Mozilla\\NativeMessagingHosts\\be.eattest.companion',
    ]);
    expect(registry.every((entry) => entry['Root'] === 'HKCU' && entry['ValueName'] === '' && entry['Flags'] === 'uninsdeletekey')).toBe(true);
    expectStoreIdsOnly(files);
  });

  it('removes on uninstall exactly the files it wrote', () => {
    const removed = innoSection(script, 'UninstallDelete').map(innoParameters);
    expect(removed.every((entry) => entry['Type'] === 'files')).toBe(true);
    expect(removed.map((entry) => fill(entry['Name'] ?? '', false)).sort()).toEqual([...writtenFiles().keys()].sort());
  });

  it('writes Pascal strings that read back to the text', () => {
    for (const text of ['', "it's", 'a\r\nb\n', "''\r"]) expect(readPascalString(pascalString(text))).toBe(text);
  });
});

describe('the macOS package (pkgbuild component + postinstall)', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs the postinstall as the installer would ($2: the user's home) in a scratch home holding the
   * payload. macOS's `stat -f %u` (the home's owner) is stood in for, this being Linux; the rest is
   * the script as it ships, with this system's sh and sed.
   */
  function runPostinstall(home: string): ReturnType<typeof spawnSync> {
    const base = mkdtempSync(join(tmpdir(), 'eattest-pkg-'));
    scratch.push(base);
    const script = join(base, 'postinstall');
    writeFileSync(script, macosPostinstallScript(), { mode: 0o755 });
    const bin = join(base, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'stat'), '#!/bin/sh\nid -u\n', { mode: 0o755 });
    return spawnSync('/bin/sh', [script, join(base, 'eattest.pkg'), home, '/', '/'], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
  }

  function scratchHome(): string {
    const home = join(mkdtempSync(join(tmpdir(), 'eattest-home-')), 'dr home');
    scratch.push(join(home, '..'));
    mkdirSync(home);
    return home;
  }

  it('writes the launcher and the manifests the dry run computes for that home, and nothing else', async () => {
    const home = scratchHome();
    const hostPath = join(home, macosPayloadPath());
    mkdirSync(join(hostPath, '..'), { recursive: true });
    writeFileSync(hostPath, '');
    chmodSync(hostPath, 0o755);
    const result = runPostinstall(home);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const expected = await dryRun('darwin', { HOME: home }, hostPath);
    const written = new Map<string, string>();
    for (const [path, file] of expected.files) {
      written.set(path, readFileSync(path, 'utf8'));
      expect(printedLines(written.get(path) ?? ''), path).toEqual(file.lines);
      expect(statSync(path).mode & 0o777, path).toBe(file.mode);
    }
    expect(written).toEqual(plannedFiles({ platform: 'darwin', home, env: {} }, hostPath));
    expect(expected.registry).toEqual([]);
    const listed = spawnSync('find', [home, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(listed).toEqual([hostPath, ...expected.files.keys()].sort());
    expect([...expected.files.keys()].filter((path) => path.endsWith('.json'))).toEqual([
      join(home, 'Library/Application Support/Chromium/NativeMessagingHosts/be.eattest.companion.json'),
      join(home, 'Library/Application Support/Google/Chrome/NativeMessagingHosts/be.eattest.companion.json'),
      join(home, 'Library/Application Support/Microsoft Edge/NativeMessagingHosts/be.eattest.companion.json'),
      join(home, 'Library/Application Support/Mozilla/NativeMessagingHosts/be.eattest.companion.json'),
    ]);
    expectStoreIdsOnly(written);
  });

  it('refuses a home without the payload, or one whose name a launcher cannot hold', () => {
    const home = scratchHome();
    const missing = runPostinstall(home);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('the host is not at');
    for (const name of ["o'brien|x", 'zoé']) {
      const odd = join(home, name);
      mkdirSync(join(odd, macosPayloadPath(), '..'), { recursive: true });
      writeFileSync(join(odd, macosPayloadPath()), '', { mode: 0o755 });
      const refused = runPostinstall(odd);
      expect(refused.status, name).toBe(1);
      expect(refused.stderr).toContain('unusual characters');
      expect(spawnSync('find', [odd, '-name', '*.json'], { encoding: 'utf8' }).stdout).toBe('');
    }
  });

  it('is installable for the current user only', () => {
    expect(macosDistribution()).toContain('<domains enable_anywhere="false" enable_currentUserHome="true" enable_localSystem="false"/>');
    expect(macosPayloadPath()).toBe('Library/Application Support/eAttest/bin/eattest-host');
  });
});
