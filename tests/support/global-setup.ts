import { ensureTestPki } from '../../simulator/pki/test-pki.js';

/** Makes the test PKI once before the integration and end-to-end tests (it is cached in .pki/). */
export default async function setup(): Promise<void> {
  await ensureTestPki();
}
