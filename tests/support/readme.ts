import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/** The section a clinician follows: its commands run against the packaged host, not the checkout. */
export const CLINICIAN_INSTALL_SECTION = 'Install (clinician)';

/** The README, as the tests that run its commands read it. */
export const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/**
 * The section under the level-2 heading `title`, up to the next level-2 heading, and the README
 * without it: the clinician's install section is run against the packaged host, the rest from the checkout.
 */
export function readmeSection(title: string): { section: string; rest: string } {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`the README has no section "## ${title}"`);
  const next = readme.indexOf('\n## ', start + 1);
  const end = next < 0 ? readme.length : next;
  return { section: readme.slice(start, end), rest: readme.slice(0, start) + readme.slice(end) };
}

const FENCE = /^```(\w*)\n([\s\S]*?)^```$/gm;

/** The lines of the code blocks in `languages` (comments dropped, `\` continuations joined). */
export function blockCommands(text: string, languages: readonly string[]): string[] {
  const found: string[] = [];
  for (const [, language = '', body = ''] of text.matchAll(FENCE)) {
    if (!languages.includes(language)) continue;
    for (const line of body.replace(/\\\n\s*/g, '').split('\n')) {
      const command = line.replace(/\s+#\s.*$/, '').trim();
      if (command !== '' && !found.includes(command)) found.push(command);
    }
  }
  return found;
}

/** The inline code spans of the prose (outside code blocks). */
export function inlineSpans(text: string): string[] {
  return [...text.replace(FENCE, '').matchAll(/`([^`\n]+)`/g)].map(([, span = '']) => span);
}

/** What each README command is checked for, keyed by the command as the README writes it. */
export type ReadmeScenarios = Record<string, (command: string) => Promise<void>>;

/** The commands no scenario classifies, and the scenarios whose command the README no longer shows. */
export function unmatchedScenarios(commands: readonly string[], scenarios: ReadmeScenarios): { unclassified: string[]; gone: string[] } {
  return { unclassified: commands.filter((command) => !(command in scenarios)), gone: Object.keys(scenarios).filter((command) => !commands.includes(command)) };
}

/** Runs the scenarios in order; a failure names the README command. */
export async function runReadmeScenarios(scenarios: ReadmeScenarios): Promise<void> {
  for (const [command, check] of Object.entries(scenarios)) {
    try {
      await check(command);
    } catch (error) {
      throw new Error(`README command \`${command}\`: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** What a README command printed, and how it ended. */
export interface ShellRun {
  code: number | null;
  out: string;
  err: string;
}

/** A README command through sh, as a user types it, with only the environment given; asynchronous, since the simulator may answer from this process. */
export function shell(command: string, options: { cwd: string; env: Record<string, string>; stdin?: string }): Promise<ShellRun> {
  const child = spawn('sh', ['-c', command], { cwd: options.cwd, env: options.env });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}
