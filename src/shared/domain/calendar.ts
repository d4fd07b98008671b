/**
 * Days of care are Belgian calendar days: "today" is today in Europe/Brussels, whatever the
 * clinician's machine clock zone, so that a consultation at 00:30 belongs to the right day.
 * Timestamps carry the Belgian wall clock with its offset, across summer-time changes.
 */

/** The Belgian calendar day of an instant, as YYYY-MM-DD. */
export function brusselsDate(instant: Date): string {
  const clock = brusselsClockReading(instant);
  return `${clock.year}-${clock.month}-${clock.day}`;
}

/**
 * Made on first use: the first Intl.DateTimeFormat of a process initialises ICU (~20 ms), which a
 * cold host would otherwise pay while loading, before it can sign in (see the host's `provider`).
 */
let brusselsClockFormat: Intl.DateTimeFormat | undefined;

function brusselsClock(): Intl.DateTimeFormat {
  brusselsClockFormat ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Brussels',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return brusselsClockFormat;
}

export interface BrusselsClockReading {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  millisecond: string;
  /** Minutes east of UTC (60 in winter, 120 in summer). */
  offsetMinutes: number;
}

/** The Belgian wall clock of an instant, to the millisecond, with its offset from UTC. */
export function brusselsClockReading(instant: Date): BrusselsClockReading {
  const parts = Object.fromEntries(brusselsClock().formatToParts(instant).map((part) => [part.type, part.value]));
  const field = (name: string): string => {
    const value = parts[name];
    if (value === undefined) throw new Error(`Intl gave no ${name}`);
    return value;
  };
  const reading = {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
    millisecond: String(instant.getUTCMilliseconds()).padStart(3, '0'),
  };
  const wallClockAsUtc = Date.UTC(Number(reading.year), Number(reading.month) - 1, Number(reading.day), Number(reading.hour), Number(reading.minute), Number(reading.second));
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return { ...reading, offsetMinutes: Math.round((wallClockAsUtc - wholeSeconds) / 60_000) };
}


/**
 * An instant as Belgian wall-clock time with its UTC offset ("2026-03-29T03:00:00.000+02:00"), to the
 * millisecond, or with six fraction digits as Java platforms write microseconds.
 */
export function brusselsIsoTime(instant: Date, fractionDigits: 3 | 6 = 3): string {
  const reading = brusselsClockReading(instant);
  const sign = reading.offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(reading.offsetMinutes);
  const offsetText = `${sign}${String(Math.floor(offset / 60)).padStart(2, '0')}:${String(offset % 60).padStart(2, '0')}`;
  return `${reading.year}-${reading.month}-${reading.day}T${reading.hour}:${reading.minute}:${reading.second}.${reading.millisecond.padEnd(fractionDigits, '0')}${offsetText}`;
}

/** The Belgian calendar month of an instant, as YYYY-MM. */
export function brusselsMonth(instant: Date): string {
  return brusselsDate(instant).slice(0, 7);
}

/** The first and last day (YYYY-MM-DD) of a calendar month given as YYYY-MM; its length from the Gregorian calendar. */
export function daysOfMonth(month: string): { first: string; last: string } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (match === null) throw new RangeError(`not a month: ${month}`);
  const length = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(length).padStart(2, '0')}` };
}

/** The Belgian wall-clock time of an instant, HH:MM. */
export function brusselsTime(instant: Date): string {
  const reading = brusselsClockReading(instant);
  return `${reading.hour}:${reading.minute}`;
}
