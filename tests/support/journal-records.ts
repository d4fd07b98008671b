import { sealEntry } from '../../native-host/src/journal/chain.js';
import { GENESIS_HASH, type JournalEntry, type JournalRecord, type RecordOfKind } from '../../native-host/src/journal/entry.js';
import { journalTimestamp } from '../../native-host/src/journal/timestamp.js';

/** Journal records as the eAttest sender writes them, for tests. */

export const PROVIDER = { nihii11: '10012345001', ssin: '79051212347', name: 'Dr Anna Peeters' } as const;
export const PATIENT_SSIN = '85073003328';
export const OTHER_PATIENT_SSIN = '92010145695';
export const KEY_A = 'a'.repeat(64);
export const KEY_B = 'b'.repeat(64);

export function sendIntent(options: { consultationKey?: string; inputReference: string; attemptNbr?: number; careDate: string; patientSsin?: string }): RecordOfKind<'send-intent'> {
  return {
    kind: 'send-intent',
    consultationKey: options.consultationKey ?? KEY_A,
    careDate: options.careDate,
    acts: [
      { code: '101076', quantity: 1 },
      { code: '102432', quantity: 1 },
    ],
    inputReference: options.inputReference,
    attemptNbr: options.attemptNbr ?? 1,
    environment: 'simulator',
    responsible: { ...PROVIDER },
    executor: { certificateHolderSsin: PROVIDER.ssin, osUser: 'anna', hostName: 'surgery-pc', via: 'browser' },
    patientSsin: options.patientSsin ?? PATIENT_SSIN,
    request: Buffer.from('sealed request bytes').toString('base64'),
  };
}

type SendResult = RecordOfKind<'send-outcome'>['result'];

export function sendOutcome(intent: JournalEntry, result: SendResult, at = '2026-11-25T10:00:01.000+01:00'): RecordOfKind<'send-outcome'> {
  if (intent.record.kind !== 'send-intent') throw new Error('not an intent');
  return {
    kind: 'send-outcome',
    intentSeq: intent.seq,
    inputReference: intent.record.inputReference,
    attemptNbr: intent.record.attemptNbr,
    result,
    ...(result.status === 'unknown' ? {} : { response: Buffer.from('sealed answer').toString('base64') }),
    latencyMs: 840,
    disturbances: result.status === 'unknown' ? [{ at, kind: 'timeout', detail: 'no answer within 20000 ms', durationMs: 20_000 }] : [],
  };
}

export function cancelOutcome(acknowledgementNumber: string, intentSeq: number, result: RecordOfKind<'cancel-outcome'>['result']): RecordOfKind<'cancel-outcome'> {
  return { kind: 'cancel-outcome', acknowledgementNumber, intentSeq, inputReference: '26112511000000', attemptNbr: 1, result, disturbances: [] };
}

/** Chains records in memory, each at the given instant (or one second apart). */
export class EntryChain {
  readonly entries: JournalEntry[] = [];
  private clock: Date;

  constructor(start: Date) {
    this.clock = start;
  }

  add(record: JournalRecord, at?: Date): JournalEntry {
    if (at !== undefined) this.clock = at;
    const last = this.entries.at(-1);
    const entry = sealEntry((last?.seq ?? 0) + 1, journalTimestamp(this.clock), last?.hash ?? GENESIS_HASH, record);
    this.entries.push(entry);
    this.clock = new Date(this.clock.getTime() + 1000);
    return entry;
  }
}
