import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { INSTALL_KINDS, NATIVE_HOST_NAME } from '../../../src/shared/identity.js';
import { BROWSERS, installLocations, type InstallPlan, type InstallStep, type InstallTarget } from './plan.js';

/** Renders a plan as the text `--dry-run` prints: every file with its content, every registry write as a command. */
export function describePlan(plan: InstallPlan): string {
  const out = [`# ${plan.browser} on ${plan.platform}`];
  for (const step of plan.steps) {
    if (step.kind === 'file') {
      out.push(`write ${step.path} (mode ${step.mode.toString(8)})`, ...step.content.trimEnd().split(/\r?\n/).map((line) => `  | ${line}`));
    } else {
      out.push(`reg add "${step.key}" /ve /t REG_SZ /d "${step.value}" /f`);
    }
  }
  return `${out.join('\n')}\n`;
}

function applyStep(step: InstallStep): void {
  if (step.kind === 'file') {
    mkdirSync(dirname(step.path), { recursive: true });
    writeFileSync(step.path, step.content, { mode: step.mode });
    chmodSync(step.path, step.mode);
    return;
  }
  execFileSync('reg', ['add', step.key, '/ve', '/t', 'REG_SZ', '/d', step.value, '/f'], { stdio: 'ignore' });
}

export function applyPlan(plan: InstallPlan): void {
  for (const step of plan.steps) applyStep(step);
}

const installedManifestSchema = z.object({
  name: z.literal(NATIVE_HOST_NAME),
  path: z.string(),
  allowed_origins: z.optional(z.array(z.string())),
  allowed_extensions: z.optional(z.array(z.string())),
});
export type InstalledManifest = z.infer<typeof installedManifestSchema>;

/** Reads a host manifest we wrote; null when it is absent, unreadable or not ours (then it is not ours to delete). */
export function readOurManifest(path: string): InstalledManifest | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = installedManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export type UninstallStep = { kind: 'remove'; path: string } | { kind: 'registry-delete'; key: string };

export function describeUninstallStep(step: UninstallStep): string {
  return step.kind === 'remove' ? `remove ${step.path}` : `reg delete "${step.key}" /f`;
}

/**
 * Removes what install wrote for one browser. The per-user launchers (one per install kind) are
 * shared by the browsers of one user, so one goes only when no other browser's manifest still points to it.
 */
export function uninstall(target: InstallTarget, dryRun: boolean): UninstallStep[] {
  const { manifestPath, registryKey } = installLocations(target);
  const steps: UninstallStep[] = [];
  if (readOurManifest(manifestPath) !== null) steps.push({ kind: 'remove', path: manifestPath });
  if (registryKey !== undefined) steps.push({ kind: 'registry-delete', key: registryKey });
  for (const kind of INSTALL_KINDS) {
    const { launcherPath } = installLocations(target, kind);
    const launcherStillUsed =
      target.profileDir === undefined &&
      BROWSERS.filter((browser) => browser !== target.browser).some((browser) => {
        const other = readOurManifest(installLocations({ ...target, browser }).manifestPath);
        return other?.path === launcherPath;
      });
    if (existsSync(launcherPath) && !launcherStillUsed) steps.push({ kind: 'remove', path: launcherPath });
  }
  if (!dryRun) {
    for (const step of steps) {
      if (step.kind === 'remove') rmSync(step.path, { force: true });
      else if (registryKeyExists(step.key)) execFileSync('reg', ['delete', step.key, '/f'], { stdio: 'ignore' });
    }
  }
  return steps;
}

function registryKeyExists(key: string): boolean {
  try {
    execFileSync('reg', ['query', key], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
