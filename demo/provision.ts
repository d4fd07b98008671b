import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicianMaterial, TestPki } from '../simulator/pki/test-pki.js';
import { builtHostScript } from '../tests/support/paths.js';

/**
 * The demo clinician's host state: config.json pointing at the simulator (trusting only the test
 * CA, the simulated STS's signing certificate pinned) and the test keystore imported through the
 * real `eattest-host certificate import`, with its password in a file only the user can read —
 * what a clinician does once with their own keystore.
 */
export function provisionDemoHost(options: { stateDir: string; pki: TestPki; clinician: ClinicianMaterial; simulatorUrl: string }): void {
  const { stateDir, pki, clinician } = options;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configFile = join(stateDir, 'config.json');
  const existing = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        ...existing,
        environment: 'simulator',
        simulatorUrl: options.simulatorUrl,
        trust: { tlsCaFile: pki.caCert, platformCas: { simulator: [pki.caCert] }, stsSigners: { simulator: [pki.sts.cert] } },
        // The demo practice's enterprise number (fictitious, valid check digits): it collects the fees.
        practice: { collectingEntityCbe: '0812345603', name: 'Cabinet médical du Parc' },
      },
      null,
      2,
    ),
    // As the host writes it: only its owner may read the configuration.
    { mode: 0o600 },
  );
  if (existing['keystore'] !== undefined) return;
  execFileSync(
    process.execPath,
    [builtHostScript, 'certificate', 'import', clinician.legacyKeystore, '--password-file', clinician.passwordFile, '--password-store', 'file', '--profession', clinician.identity.profession, '--state-dir', stateDir],
    { stdio: 'inherit' },
  );
}
