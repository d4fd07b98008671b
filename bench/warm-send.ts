import { launchWithExtension } from '../tests/support/chromium.js';
import { BareClient, type BenchEnvironment } from './environment.js';
import { clickSendAndTime, openPopup, prepareTypedSend } from './popup-send.js';
import { ratio, sleep, summarize, type Summary } from './stats.js';

/**
 * Figures 1 and 2: the warm send. Real Chromium with the built extension and the real host against
 * the simulator; after unmeasured sends that warm everything (host, STS token, ETKs, TLS), each
 * measured send goes from the trusted click on Send to the acknowledgement number. The floor is
 * the same sealed request the host has just sent, replayed by a warm Node client right after each
 * click; the simulator counts the requests each send makes.
 */

export interface WarmSendFigures {
  clickToAckWarmMs: Summary;
  bareReplayMs: Summary;
  warmRatio: number;
  roundTripsPerWarmAttestation: number;
  roundTripsPerSend: number[];
}

export async function measureWarmSend(env: BenchEnvironment, options: { iterations: number; warmups: number }): Promise<WarmSendFigures> {
  const stateDir = env.provisionState();
  const session = await launchWithExtension({ installHost: true, stateDir });
  const client = new BareClient(env.simulator.url, env.pki.caCert);
  const clicks: number[] = [];
  const bare: number[] = [];
  const roundTrips: number[] = [];
  try {
    for (let run = 0; run < options.warmups + options.iterations; run += 1) {
      const page = await openPopup(session);
      await prepareTypedSend(page, env.freshActCode());
      const before = env.totalRequests();
      const { elapsedMs } = await clickSendAndTime(page);
      // Anything the send set off after the number was shown still counts against it.
      await sleep(150);
      if (run >= options.warmups) {
        clicks.push(elapsedMs);
        roundTrips.push(env.totalRequests() - before);
        // The floor is sampled right after each click (the machine's load drifts over a run): the
        // request this send made, replayed by a warm client.
        const recorded = env.lastRequest('eattest');
        if (recorded === undefined) throw new Error('the simulator saw no eAttest request');
        bare.push(await client.timedReplay(recorded));
      }
      await page.close();
    }
  } finally {
    client.close();
    await session.close();
  }

  const warm = summarize(clicks);
  const bareSummary = summarize(bare);
  const roundTripsSummary = summarize(roundTrips);
  return {
    clickToAckWarmMs: warm,
    bareReplayMs: bareSummary,
    warmRatio: ratio(warm.median, bareSummary.median),
    roundTripsPerWarmAttestation: roundTripsSummary.median,
    roundTripsPerSend: roundTrips,
  };
}
