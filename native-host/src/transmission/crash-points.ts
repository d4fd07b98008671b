/**
 * Where the fault matrix kills the host on purpose, to prove that a power cut at any step of a
 * recorded transmission loses nothing and duplicates nothing. Honoured only when the host talks
 * to the simulator and EATTEST_HOST_CRASH_AT names the point: a production host never dies here.
 */

export const CRASH_POINTS = ['before-intent', 'after-intent', 'after-request-left', 'after-answer', 'during-outcome-write'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_ENV = 'EATTEST_HOST_CRASH_AT';

let armed: CrashPoint | undefined;

/** Called once at start-up with the configured environment; anything but the simulator disarms. */
export function armCrashPoint(environment: string, env: NodeJS.ProcessEnv = process.env): CrashPoint | undefined {
  const wanted = env[CRASH_ENV];
  armed = environment === 'simulator' && (CRASH_POINTS as readonly string[]).includes(wanted ?? '') ? (wanted as CrashPoint) : undefined;
  return armed;
}

export function isArmed(point: CrashPoint): boolean {
  return armed === point;
}

/** Dies as a power cut would: no finally blocks, no exit handlers, no flush. */
export function crashPoint(point: CrashPoint): void {
  if (armed === point) process.kill(process.pid, 'SIGKILL');
}
