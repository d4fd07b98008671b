import { packageDeb } from './package-deb.js';
import { packageExtension } from './package-extension.js';
import { packageHost } from './package-host.js';
import { packageInstallers } from './package-installers.js';

/**
 * `npm run package`: what ships, under dist/package/: the host as one executable and, on Linux, its
 * .deb; the Windows and macOS installer definitions; the extension's store zip and Firefox .xpi.
 */
const log = (text: string): void => {
  process.stdout.write(`package: ${text}\n`);
};
const host = await packageHost({ log });
if (process.platform === 'linux') packageDeb(host, { log });
packageInstallers({ log });
await packageExtension({ log });
