import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { protocolRangeSchema } from '../../../src/shared/host-protocol.js';
import type { ProtocolRange } from '../../../src/shared/protocol-handshake.js';
import { HOST_PROTOCOL_RANGE, PRODUCT_VERSION } from '../../../src/shared/version.js';

/** What `eattest-host version --json` prints: the program's version and the protocol versions it speaks. */
export const hostVersionReportSchema = z.strictObject({ version: z.string().check(z.minLength(1), z.maxLength(32)), protocolRange: protocolRangeSchema });
export type HostVersionReport = z.infer<typeof hostVersionReportSchema>;

export function thisHostVersion(): HostVersionReport {
  return { version: PRODUCT_VERSION, protocolRange: { ...HOST_PROTOCOL_RANGE } };
}

export function describeProtocolRange(range: ProtocolRange): string {
  return range.min === range.max ? `protocol ${range.min}` : `protocols ${range.min} to ${range.max}`;
}

const PLAIN_VERSION = /^\d{1,6}(\.\d{1,6}){0,3}\n?$/;

/**
 * Asks an installed host program its version (the launcher's node and host script, as the browser
 * runs them). A host older than protocol ranges knows only `--version`, and spoke protocol 1.
 */
export function installedHostVersion(nodePath: string, hostScript: string): HostVersionReport | undefined {
  const ask = (args: string[]): string | undefined => {
    try {
      return execFileSync(nodePath, [hostScript, ...args], { encoding: 'utf8', timeout: 10_000, maxBuffer: 4096, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  const json = ask(['version', '--json']);
  if (json !== undefined) {
    try {
      const report = hostVersionReportSchema.safeParse(JSON.parse(json));
      if (report.success) return report.data;
    } catch {
      // Not JSON: an older host; its plain version below.
    }
  }
  const plain = ask(['--version']);
  return plain !== undefined && PLAIN_VERSION.test(plain) ? { version: plain.trim(), protocolRange: { min: 1, max: 1 } } : undefined;
}

export interface InstalledExtension {
  profile: string;
  id: string;
  version: string;
}

function manifestVersion(file: string): string | undefined {
  try {
    const version: unknown = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && PLAIN_VERSION.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Where a profile's preferences say an unpacked extension was loaded from. */
function unpackedPath(profileDir: string, id: string): string | undefined {
  for (const file of ['Secure Preferences', 'Preferences']) {
    try {
      const preferences = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { extensions?: { settings?: Record<string, { path?: unknown }> } };
      const path = preferences.extensions?.settings?.[id]?.path;
      if (typeof path === 'string' && path.startsWith('/')) return path;
    } catch {
      // No such file, or not JSON: the other one, or nothing.
    }
  }
  return undefined;
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * The versions of our extension installed in a Chromium-family browser's profiles: store installs
 * under Extensions/<id>/<version>_<n>/, unpacked ones where the profile's preferences point.
 */
export function installedExtensionVersions(userDataDir: string, ids: readonly string[]): InstalledExtension[] {
  const found: InstalledExtension[] = [];
  for (const profile of subdirectories(userDataDir)) {
    const profileDir = join(userDataDir, profile);
    for (const id of ids) {
      const versions = subdirectories(join(profileDir, 'Extensions', id)).flatMap((dir) => manifestVersion(join(profileDir, 'Extensions', id, dir, 'manifest.json')) ?? []);
      const unpacked = unpackedPath(profileDir, id);
      const unpackedVersion = unpacked === undefined ? undefined : manifestVersion(join(unpacked, 'manifest.json'));
      for (const version of new Set([...versions, ...(unpackedVersion !== undefined ? [unpackedVersion] : [])])) found.push({ profile, id, version });
    }
  }
  return found;
}
