/**
 * `npm run simulator -- [--port 8443] [--pki DIR]`: the MyCareNet simulator on loopback, with the
 * test PKI (made on first use). Faults: PUT /__control/faults with a JSON list of rules.
 */
import { parseArgs } from 'node:util';
import { defaultPkiDir, ensureTestPki } from '../pki/test-pki.js';
import { startSimulator } from './server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8443' }, pki: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('--port must be a port number\n');
  process.exit(2);
}
const pki = await ensureTestPki(values.pki ?? defaultPkiDir);
const simulator = await startSimulator({ pki, port });
process.stdout.write(`MyCareNet simulator on ${simulator.url}\n  STS        ${simulator.url}/IAM/Saml11TokenService/v1\n  ETK depot  ${simulator.url}/EtkDepot/v1\n  TLS and STS trust anchor: ${pki.caCert}\n`);
const stop = () => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
