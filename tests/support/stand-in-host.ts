import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Puts a stand-in in place of the host installed in a Chromium profile: the browser starts it through
 * the installed manifest as it would start the real one, and it answers `hello` with the reply given
 * (a host of another protocol version, which no build of this checkout is) and nothing else.
 */
export function replaceInstalledHost(profileDir: string, helloReply: { ok: true; result: unknown } | { ok: false; error: unknown }): void {
  const manifests = join(profileDir, 'NativeMessagingHosts');
  const manifestFile = readdirSync(manifests).find((name) => name.endsWith('.json'));
  if (manifestFile === undefined) throw new Error(`no host manifest in ${manifests}`);
  const { path: launcherPath } = JSON.parse(readFileSync(join(manifests, manifestFile), 'utf8')) as { path: string };
  const script = join(profileDir, 'stand-in-host.cjs');
  // Native messaging: 32-bit length in the machine's byte order, then UTF-8 JSON, both ways.
  writeFileSync(
    script,
    `const reply = ${JSON.stringify(helloReply)};
const littleEndian = require('node:os').endianness() === 'LE';
let buffered = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  while (buffered.length >= 4) {
    const length = littleEndian ? buffered.readUInt32LE(0) : buffered.readUInt32BE(0);
    if (buffered.length < 4 + length) return;
    const request = JSON.parse(buffered.subarray(4, 4 + length).toString('utf8'));
    buffered = buffered.subarray(4 + length);
    const body = Buffer.from(JSON.stringify({ id: request.id, ...reply }));
    const header = Buffer.alloc(4);
    if (littleEndian) header.writeUInt32LE(body.length);
    else header.writeUInt32BE(body.length);
    process.stdout.write(Buffer.concat([header, body]));
  }
});
`,
  );
  writeFileSync(launcherPath, `#!/bin/sh\nexec '${process.execPath}' '${script}'\n`, { mode: 0o755 });
}
