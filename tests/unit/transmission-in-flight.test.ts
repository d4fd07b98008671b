import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attemptInFlight, markInFlight, oneAtATime, sendInFlightError } from '../../native-host/src/transmission/in-flight.js';
import { HOST_ATTEST_WORST_CASE_MS } from '../../src/shared/transmission-timing.js';

const ROOM = { providerNihii11: '10012345001', patientSsin: '85073003328', careDate: '2026-11-25' };
const NOW = Date.parse('2026-11-25T09:30:00.000Z');
const directories: string[] = [];

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eattest-in-flight-'));
  directories.push(dir);
  return dir;
}

/** A marker as another process would have left it. */
function markerOf(dir: string, pid: number, startedAtMs: number, host = hostname()): void {
  // The room's marker file, as this process writes it, then rewritten as the other process's.
  markInFlight(dir, ROOM, startedAtMs);
  const folder = join(dir, 'transmission', 'in-flight');
  const name = readdirSync(folder).find((file) => file.endsWith('.json'));
  if (name === undefined) throw new Error('no marker written');
  writeFileSync(join(folder, name), JSON.stringify({ pid, host, startedAtMs, nonce: 'a'.repeat(32) }));
}

afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('one attempt per provider, patient and day on the wire', () => {
  it('sees another live process’s attempt until the host’s worst case has passed, and says when to try again', () => {
    const dir = stateDir();
    // Our parent (the test runner) is alive and is not us.
    markerOf(dir, process.ppid, NOW);
    expect(attemptInFlight(dir, ROOM, NOW + 1000)).toEqual({ retryAfterMs: HOST_ATTEST_WORST_CASE_MS - 1000 });
    expect(sendInFlightError({ retryAfterMs: 1500 }).toPayload()).toMatchObject({ code: 'SEND_IN_FLIGHT', details: { retryAfterS: 2 } });
    expect(attemptInFlight(dir, ROOM, NOW + HOST_ATTEST_WORST_CASE_MS)).toBeUndefined();
    expect(attemptInFlight(dir, { ...ROOM, patientSsin: '92010145695' }, NOW + 1000)).toBeUndefined();
  });

  it('ignores the marker of a process that is gone for certain, and of this process (its attempts already wait in line)', () => {
    const dir = stateDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    markerOf(dir, Number(gone.stdout), NOW);
    expect(attemptInFlight(dir, ROOM, NOW + 1000)).toBeUndefined();
    markerOf(dir, process.pid, NOW);
    expect(attemptInFlight(dir, ROOM, NOW + 1000)).toBeUndefined();
  });

  it('cannot tell for a process of another machine sharing the folder: in flight until the worst case has passed', () => {
    const dir = stateDir();
    markerOf(dir, 1, NOW, 'another-machine');
    expect(attemptInFlight(dir, ROOM, NOW + 1000)).toBeDefined();
  });

  it('releases only its own marker', () => {
    const dir = stateDir();
    const mine = markInFlight(dir, ROOM, NOW);
    markerOf(dir, process.ppid, NOW);
    mine.release();
    expect(attemptInFlight(dir, ROOM, NOW + 1000)).toBeDefined();
  });

  it('runs the sends of one room one after the other in this process, and other rooms alongside', async () => {
    const order: string[] = [];
    let finishFirst: () => void = () => undefined;
    const first = oneAtATime(ROOM, async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => (finishFirst = resolve));
      order.push('first ends');
    });
    const second = oneAtATime(ROOM, () => {
      order.push('second starts');
      return Promise.resolve();
    });
    const otherRoom = oneAtATime({ ...ROOM, patientSsin: '92010145695' }, () => {
      order.push('other room');
      return Promise.resolve();
    });
    await otherRoom;
    expect(order).toEqual(['first starts', 'other room']);
    finishFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'other room', 'first ends', 'second starts']);
  });
});
