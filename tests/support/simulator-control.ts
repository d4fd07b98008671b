import { readFileSync } from 'node:fs';
import { get, request } from 'node:https';

/** GET on the simulator's control endpoint, trusting its test CA; the parsed JSON. */
export function simulatorControl(simulatorUrl: string, caFile: string, path: 'attestations' | 'stats'): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(`${simulatorUrl}/__control/${path}`, { ca: readFileSync(caFile, 'utf8') }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }).on('error', reject);
  });
}

export async function simulatorAttestations(simulatorUrl: string, caFile: string): Promise<unknown[]> {
  const body = (await simulatorControl(simulatorUrl, caFile, 'attestations')) as { attestations: unknown[] };
  return body.attestations;
}

/** DELETE on the simulator's control endpoint: forgets the stored attestations, or zeroes the request counts. */
export function simulatorControlReset(simulatorUrl: string, caFile: string, path: 'attestations' | 'stats'): Promise<void> {
  return new Promise((resolve, reject) => {
    request(`${simulatorUrl}/__control/${path}`, { method: 'DELETE', ca: readFileSync(caFile, 'utf8') }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 204 ? resolve() : reject(new Error(`DELETE /__control/${path} answered ${response.statusCode ?? '?'}`))));
    })
      .on('error', reject)
      .end();
  });
}

/** Until the simulator handles no service request (a latency fault may outlive its client): what it holds is then final. */
export async function simulatorQuiet(simulatorUrl: string, caFile: string): Promise<void> {
  for (let probe = 0; probe < 1200; probe += 1) {
    const stats = (await simulatorControl(simulatorUrl, caFile, 'stats')) as { inFlight?: number };
    if (stats.inFlight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the simulator is still handling requests');
}
