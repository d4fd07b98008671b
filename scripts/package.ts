import { packageDeb } from './package-deb.js';
import { packageExtension } from './package-extension.js';
import { packageHost } from './package-host.js';

/** `npm run package`: what ships, under dist/package/: the host as one executable and, on Linux, its .deb. */
const log = (text: string): void => {
  process.stdout.write(`package: ${text}\n`);
};
const host = await packageHost({ log });
if (process.platform === 'linux') packageDeb(host, { log });
await packageExtension({ log });
