import { spawn } from 'node:child_process';

/** An outside tool (openssl, xmlsec1, xmllint) that did not succeed, with the first words it said. */
export class ToolFailed extends Error {
  override readonly name = 'ToolFailed';
}

/** Runs a tool with its input on stdin; resolves with its stdout when it exits 0. */
export function runTool(tool: string, args: readonly string[], options: { cwd?: string; input?: Buffer } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new ToolFailed(`${tool} ${args[0] ?? ''} failed: ${Buffer.concat(err).toString('utf8').slice(0, 300)}`));
    });
    // A tool that exits without reading its input makes the write fail with EPIPE: its exit code tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}
