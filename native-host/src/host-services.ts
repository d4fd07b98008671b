/**
 * What the native host loads on its first command after the handshake (see commands/lazy.ts): the
 * command handlers and the services they use, which bring in node-forge, pkijs, xml-crypto and
 * xmldom. Imported dynamically only, so that starting the host and answering the handshake never
 * evaluates them.
 */
export { EhealthServices } from './ehealth/services.js';
export { commandHandlers } from './commands/index.js';
