import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { HOST_ATTEST_WORST_CASE_MS } from '../../../src/shared/transmission-timing.js';
import { AppError } from '../../../src/shared/errors.js';
import { writeFileDurably } from '../durable-file.js';
import type { Room } from './send-rules.js';

/**
 * One attempt per room (provider, patient, day) on the wire at a time (send-rules.ts).
 *
 * In this process, the sends of one room run one after the other: a retry waits for the attempt in
 * flight to finish (answered, or timed out for certain: the transport destroys a request at its
 * timeout). Across processes (the browser's host and a CLI, or a host the browser left behind), a
 * marker per room is written under the journal's lock before the intent and removed after the
 * outcome. Another process that finds one refuses with SEND_IN_FLIGHT and says when to try again,
 * unless the marker is older than the host's worst case (no host works longer on a send) or its
 * process is gone for certain (same machine, no such process): then that attempt ended without an
 * outcome and the journal's rules treat it as unknown, to be retried under its reference.
 */

const markerSchema = z.strictObject({
  pid: z.int().check(z.gte(1)),
  host: z.string().check(z.maxLength(255)),
  startedAtMs: z.int().check(z.gte(0)),
  nonce: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
});
type Marker = z.infer<typeof markerSchema>;

export interface InFlightMarker {
  /** Removes the marker, if it is still ours. */
  release(): void;
}

const queues = new Map<string, Promise<unknown>>();

function roomId(room: Room): string {
  return createHash('sha256').update(`${room.providerNihii11}|${room.patientSsin}|${room.careDate}`).digest('hex').slice(0, 32);
}

/** Runs `work` after every earlier send of the same room in this process has finished. */
export async function oneAtATime<T>(room: Room, work: () => Promise<T>): Promise<T> {
  const id = roomId(room);
  const earlier = queues.get(id) ?? Promise.resolve();
  const mine = earlier.catch(() => undefined).then(work);
  const settled = mine.catch(() => undefined);
  queues.set(id, settled);
  try {
    return await mine;
  } finally {
    if (queues.get(id) === settled) queues.delete(id);
  }
}

function markerFile(stateDir: string, room: Room): string {
  return join(stateDir, 'transmission', 'in-flight', `${roomId(room)}.json`);
}

function readMarker(file: string): Marker | undefined {
  try {
    const parsed = markerSchema.safeParse(JSON.parse(readFileSync(file, 'utf8').slice(0, 4096)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function processIsGone(marker: Marker): boolean {
  if (marker.host !== hostname()) return false;
  // Our own process: oneAtATime already waited for our earlier attempt, so this one is a leftover.
  if (marker.pid === process.pid) return true;
  try {
    process.kill(marker.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'ESRCH';
  }
}

/** Whether another attempt of this room may still be on the wire, and for how long at most. */
export function attemptInFlight(stateDir: string, room: Room, nowMs: number = Date.now()): { retryAfterMs: number } | undefined {
  const marker = readMarker(markerFile(stateDir, room));
  if (marker === undefined) return undefined;
  const endsAt = marker.startedAtMs + HOST_ATTEST_WORST_CASE_MS;
  if (endsAt <= nowMs || processIsGone(marker)) return undefined;
  return { retryAfterMs: endsAt - nowMs };
}

export function sendInFlightError(inFlight: { retryAfterMs: number }): AppError {
  const retryAfterS = Math.max(1, Math.ceil(inFlight.retryAfterMs / 1000));
  return new AppError('SEND_IN_FLIGHT', `another attempt for this patient and day is still on its way to the insurer; try again in ${retryAfterS} s at most`, { retryAfterS });
}

/** Called under the journal's lock, after attemptInFlight found none: the marker other processes will see. */
export function markInFlight(stateDir: string, room: Room, nowMs: number = Date.now()): InFlightMarker {
  const file = markerFile(stateDir, room);
  const marker: Marker = { pid: process.pid, host: hostname().slice(0, 255), startedAtMs: Math.floor(nowMs), nonce: randomBytes(16).toString('hex') };
  writeFileDurably(file, JSON.stringify(marker));
  return {
    release() {
      if (readMarker(file)?.nonce !== marker.nonce) return;
      try {
        unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}
