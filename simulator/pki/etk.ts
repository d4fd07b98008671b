import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openssl } from './openssl.js';

/**
 * An ETK (encryption token, PROTOCOL.md §5.1) as the ETK depot returns it: a CMS SignedData in DER
 * whose embedded content is the DER of the holder's encryption certificate, signed (SHA-256) with the
 * holder's authentication key, with the signer's certificate included.
 */
export interface EtkRequest {
  /** A folder for temporary files (a sub-folder is created and removed). */
  scratch: string;
  /** The encryption certificate (PEM path) that the ETK publishes. */
  encCert: string;
  /** The authentication certificate and key (PEM paths) that sign it. */
  signerCert: string;
  signerKey: string;
  /** Where to write the ETK (DER). */
  out: string;
}

export async function createEtk(request: EtkRequest): Promise<void> {
  const work = await mkdtemp(join(request.scratch, 'etk-'));
  try {
    const content = join(work, 'enc.der');
    await writeFile(content, new X509Certificate(await readFile(request.encCert)).raw);
    await openssl([
      'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256',
      '-in', content, '-signer', request.signerCert, '-inkey', request.signerKey, '-out', request.out,
    ]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
