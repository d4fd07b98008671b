import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../src/shared/errors.js';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { runCertificateCli } from './certificate/cli.js';
import { stateDirectory } from './state-directory.js';
import { runJournalCli } from './journal/cli.js';
import { runAbandonCli } from './transmission/abandon-cli.js';
import { runEattestCli } from './mycarenet/eattest/cli.js';
import { runSupportCli, SUPPORT_COMMANDS, SUPPORT_USAGE, type SupportCommand } from './mycarenet/support-cli.js';
import { applyPlan, describePlan, describeUninstallStep, uninstall } from './install/apply.js';
import { formatFindings, runDoctor } from './install/doctor.js';
import { thisHostVersion } from './install/versions.js';
import { BROWSERS, InstallError, planInstall, type Browser, type InstallTarget, type TargetPlatform } from './install/plan.js';

/** `eattest-host` on the command line: install, uninstall, doctor. Output goes to stdout here (not a native-messaging session). */

const USAGE = `eattest-host ${PRODUCT_VERSION}: the eAttest companion's native host

Usage:
  eattest-host install --browser chromium|chrome|edge|firefox [--profile DIR] [--state-dir DIR] [--development] [--dry-run [--platform linux|darwin|win32]]
      Register the host with a browser for the current user, or for one Chromium profile (DIR/NativeMessagingHosts).
      Only the published extension may use it; --development lets the development build (whose key is public) use it instead.
  eattest-host uninstall --browser chromium|chrome|edge|firefox [--profile DIR] [--dry-run]
  eattest-host doctor [--browser B] [--profile DIR] [--root DIR]
      What is installed where, what is wrong and what to do. --root reads the Linux package's system
      folders under DIR (a package unpacked there) instead of /.
  eattest-host certificate import FILE.p12 [--password-file F | --password-stdin] [--password-store os|file] [--profession doctor|dentist|physiotherapist|nurse|midwife|speechTherapist]
      Keep your eHealth keystore in the host; its password goes to the OS secret store (or, for development, a file).
  eattest-host journal [--verify] [--recheck-signatures] [--export FILE] [--state-dir DIR]
      Today's transmissions; --verify checks the journal's hash chain; --recheck-signatures verifies the
      insurers' signatures it keeps again with today's trust store; --export writes it as JSON for an auditor.
  eattest-host journal abandon --reference INPUT_REFERENCE --reason "what the insurer said" [--state-dir DIR]
      Give up a send whose outcome stayed unknown, after checking with the insurer; journaled with your reason.
${SUPPORT_USAGE}  eattest-host attest --file CONSULTATION.json [--jsis] | cancel --ack NUMBER --ssin SSIN --reason A-G
      Send (or cancel) an eAttest from the command line, through the same journal; prints the outcome as JSON.
  eattest-host --version | version --json
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The host's entry file (the boot), which the launcher must run: this module sits deeper in the program. */
  hostScript: string;
}

function parseBrowser(value: string | undefined, required: boolean): Browser | undefined {
  if (value === undefined) {
    if (required) throw new UsageError('--browser is required (chromium, chrome, edge or firefox)');
    return undefined;
  }
  if (!(BROWSERS as readonly string[]).includes(value)) throw new UsageError(`unknown browser "${value}" (chromium, chrome, edge or firefox)`);
  return value as Browser;
}

function parsePlatform(value: string | undefined, dryRun: boolean): TargetPlatform {
  if (value === undefined) {
    const current = process.platform;
    if (current === 'linux' || current === 'darwin' || current === 'win32') return current;
    throw new UsageError(`unsupported platform ${current}`);
  }
  if (!dryRun) throw new UsageError('--platform is only for --dry-run: a host is installed for the machine it runs on');
  if (value !== 'linux' && value !== 'darwin' && value !== 'win32') throw new UsageError(`unknown platform "${value}" (linux, darwin or win32)`);
  return value;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'certificate') return await runCertificateCli(rest, io);
    if (command === 'journal' && rest[0] === 'abandon') return await runAbandonCli(rest.slice(1), io);
    if (command === 'journal') return await runJournalCli(rest, io);
    if (command === 'attest' || command === 'cancel') return await runEattestCli(command, rest, io);
    if ((SUPPORT_COMMANDS as readonly (string | undefined)[]).includes(command)) return await runSupportCli(command as SupportCommand, rest, io);
    const { values } = parseArgs({
      args: rest,
      options: {
        browser: { type: 'string' },
        profile: { type: 'string' },
        'state-dir': { type: 'string' },
        root: { type: 'string' },
        platform: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        development: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const dryRun = values['dry-run'];
    if (values.root !== undefined && command !== 'doctor') throw new UsageError('--root is for doctor only');
    const platform = parsePlatform(values.platform, dryRun);
    const base: Omit<InstallTarget, 'browser'> = { platform, home: homedir(), env: process.env, profileDir: values.profile };

    switch (command) {
      case 'install': {
        const browser = parseBrowser(values.browser, true) as Browser;
        const kind = values.development ? 'development' : 'production';
        const plan = planInstall({ ...base, browser }, { nodePath: process.execPath, hostScript: io.hostScript, stateDir: values['state-dir'], kind });
        if (dryRun) {
          io.out(describePlan(plan));
          return 0;
        }
        applyPlan(plan);
        io.out(`Installed the eAttest host for ${browser} (${kind} install):\n  manifest ${plan.manifestPath}\n  launcher ${plan.launcherPath}\nRestart the browser if it was running.\n`);
        if (kind === 'development') {
          io.out('Only the development build of the extension can use it, and its key is public: never install it so on a clinician\'s machine.\n');
        }
        return 0;
      }
      case 'uninstall': {
        const browser = parseBrowser(values.browser, true) as Browser;
        const steps = uninstall({ ...base, browser }, dryRun);
        io.out(steps.length === 0 ? `Nothing to remove for ${browser}.\n` : `${steps.map(describeUninstallStep).join('\n')}\n`);
        return 0;
      }
      case 'doctor': {
        const browser = parseBrowser(values.browser, false);
        const findings = await runDoctor({
          target: base,
          ...(browser !== undefined ? { browsers: [browser] } : {}),
          stateDir: values['state-dir'] ?? stateDirectory(),
          nodeVersion: process.version,
          installHint: 'eattest-host install',
          ...(values.root !== undefined ? { systemRoot: resolve(values.root) } : {}),
        });
        io.out(formatFindings(findings));
        return findings.some((finding) => finding.level === 'problem') ? 1 : 0;
      }
      case '--version':
      case 'version':
        // --json: the version and protocol range, for doctor asking an installed host program.
        io.out(values.json ? `${JSON.stringify(thisHostVersion())}\n` : `${PRODUCT_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof InstallError || (error instanceof TypeError && 'code' in error)) {
      io.err(`eattest-host: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.err(`eattest-host: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
