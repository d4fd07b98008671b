import { packageHost } from './package-host.js';

/** `npm run package`: what ships, under dist/package/ (for now the host as one executable). */
const log = (text: string): void => {
  process.stdout.write(`package: ${text}\n`);
};
await packageHost({ log });
