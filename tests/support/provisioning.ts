import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClinicianMaterial, GuardPostMaterial, TestPki } from '../../simulator/pki/test-pki.js';
import { hostCommandLine } from './paths.js';

/**
 * A host state directory as a clinician would have it after `eattest-host certificate import`,
 * done through the real command line, and pointed at a running simulator.
 */
export function provisionHostState(options: {
  pki: TestPki;
  /** A clinician, or a guard post (its organisation certificate). */
  clinician: ClinicianMaterial | GuardPostMaterial;
  simulatorUrl: string;
  keystore?: 'legacy' | 'modern';
  config?: Record<string, unknown>;
  /** More options of `certificate import` (a trainee's --supervisor-…). */
  importOptions?: readonly string[];
  /** A packaged host (scripts/package-host.ts) to import with instead of the built one under this Node. */
  executable?: string | undefined;
}): string {
  const stateDir = mkdtempSync(join(tmpdir(), 'eattest-state-'));
  writeHostConfig(stateDir, options);
  const keystore = options.keystore === 'modern' ? options.clinician.modernKeystore : options.clinician.legacyKeystore;
  const [command, ...hostArgs] = hostCommandLine(options.executable);
  execFileSync(
    command,
    [...hostArgs, 'certificate', 'import', keystore, '--password-file', options.clinician.passwordFile, '--password-store', 'file', '--profession', options.clinician.identity.profession, '--state-dir', stateDir, ...(options.importOptions ?? [])],
    { stdio: 'pipe' },
  );
  return stateDir;
}

/** The host's `config.json` for the simulator environment, as a clinician would write it (README, "MyCareNet, and the simulator"). */
export function writeHostConfig(stateDir: string, options: { pki: TestPki; simulatorUrl: string; config?: Record<string, unknown> }): void {
  writeFileSync(
    join(stateDir, 'config.json'),
    JSON.stringify({
      environment: 'simulator',
      simulatorUrl: options.simulatorUrl,
      // The simulator environment's trust store: the test PKI's CA (acceptance and production have their
      // own), and the simulated STS's signing certificate pinned.
      trust: { tlsCaFile: options.pki.caCert, platformCas: { simulator: [options.pki.caCert] }, stsSigners: { simulator: [options.pki.sts.cert] } },
      // A fictitious practice's enterprise number (valid check digits), collecting the fees.
      practice: { collectingEntityCbe: '0812345603', name: 'Cabinet médical du Parc' },
      ...options.config,
    }),
    // As the host writes it: only its owner may read the configuration.
    { mode: 0o600 },
  );
}
