import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CRASH_ENV, CRASH_POINTS, type CrashPoint } from '../../native-host/src/transmission/crash-points.js';
import type { TestPki } from '../../simulator/pki/test-pki.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { FaultRule } from '../../simulator/src/faults.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { attestOutcomeSchema, journalSendSchema, type AttestOutcome, type JournalSend } from '../../src/shared/domain/receipt.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { hello, startHost, type HostProcess } from './host-process.js';
import { repoRoot } from './paths.js';
import { provisionHostState } from './provisioning.js';
import { simulatorControl, simulatorControlReset, simulatorQuiet } from './simulator-control.js';

/**
 * The fault matrix (issue 13): a send fault injected at the simulator × a point where the host dies,
 * then the clinician's behaviour (restart the host if it died, send the same consultation again
 * until it is settled), then the count at the insurer: nothing lost, no second live attestation,
 * the receipt equal to what the insurer holds. Each lane has its own simulator (faults are global
 * to a simulator) and each cell its own host state, so that lanes run side by side.
 */

export interface SendFault {
  name: string;
  rule?: FaultRule;
}

/** Every fault the simulator injects on a send, once (the next try goes through); short latencies. */
export const SEND_FAULTS: readonly SendFault[] = [
  { name: 'no fault' },
  { name: 'latency', rule: { service: 'eattest', kind: 'latency', latencyMs: 300, count: 1 } },
  { name: 'timeout', rule: { service: 'eattest', kind: 'timeout', count: 1 } },
  { name: 'reset', rule: { service: 'eattest', kind: 'reset', count: 1 } },
  { name: 'http5xx', rule: { service: 'eattest', kind: 'http5xx', status: 503, count: 1 } },
  { name: 'soapFault', rule: { service: 'eattest', kind: 'soapFault', soaFault: 'temporarilyUnavailable', count: 1 } },
  { name: 'garbledSeal', rule: { service: 'eattest', kind: 'garbledSeal', count: 1 } },
  { name: 'dropAfterAccept', rule: { service: 'eattest', kind: 'dropAfterAccept', count: 1 } },
];

export type HostDeath = 'none' | CrashPoint;
export const HOST_DEATHS: readonly HostDeath[] = ['none', ...CRASH_POINTS];

/** The host's SOAP timeout in the matrix: the `timeout` fault costs this much, not the default 20 s. */
const MATRIX_SOAP_TIMEOUT_MS = 2_500;
/** The clinician gives up after this many sends; an unsettled cell fails. */
export const MAX_TRIES = 6;
const PATIENT_IN_ORDER = '85041213359';

export interface MatrixCell {
  fault: SendFault;
  death: HostDeath;
  /**
   * After a first send that did not settle, the clinician edits the consultation and sends that once;
   * if that does not settle either, they send the original again.
   */
  edited: boolean;
}

export interface CellResult {
  cell: MatrixCell;
  /** How the clinician's sends ended. */
  settled: 'acknowledged' | 'already attested' | 'refused' | 'unsettled';
  tries: number;
  /** What each send came to: the outcome, the host's error code, or its death. */
  trail: string[];
  hostDeaths: number;
  /** eAttest requests the insurer received. */
  insurerRequests: number;
  /** Attestations the insurer holds whose number we never learned. */
  lost: number;
  /** Live attestations beyond the first for the patient on the day. */
  liveDuplicates: number;
  /** Where the receipt (or the host's journal) differs from what the insurer holds. */
  receiptDiffers: string[];
}

export function cellFailed(result: CellResult): boolean {
  return result.settled === 'unsettled' || result.settled === 'refused' || result.lost > 0 || result.liveDuplicates > 0 || result.receiptDiffers.length > 0;
}

export function cellName(cell: MatrixCell): string {
  return `${cell.fault.name} × ${cell.edited ? 'edited after unknown' : `host death ${cell.death}`}`;
}

/** The consultation the clinician sends, and the correction of the issue's finding 1 (101010 → 101032, 30 € → 50 €). */
export function consultation(edited = false): Attestation {
  const careDate = brusselsDate(new Date());
  const act = edited ? { code: '101032', amountPaidCents: 5000 } : { code: '101010', amountPaidCents: 3000 };
  return {
    patient: { ssin: PATIENT_IN_ORDER, firstName: 'Julie', lastName: 'Lambert' },
    careDate,
    collectingEntityCbe: '0820563481',
    patientPaidCents: act.amountPaidCents,
    acts: [{ code: act.code, quantity: 1, serviceDate: careDate, amountPaidCents: act.amountPaidCents }],
  };
}

export interface Lane {
  pki: TestPki;
  simulator: Simulator;
  /** A provisioned host state, copied for each cell. */
  template: string;
  close(): Promise<void>;
}

export async function startLane(pki: TestPki): Promise<Lane> {
  const simulator = await startSimulator({ pki });
  const template = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url, config: { soapTimeoutMs: MATRIX_SOAP_TIMEOUT_MS } });
  return {
    pki,
    simulator,
    template,
    async close() {
      await simulator.close();
      rmSync(template, { recursive: true, force: true });
    },
  };
}

/** The host as the browser starts it, armed to die at `death` (honoured because its environment is the simulator). */
async function startedHost(stateDir: string, death: HostDeath): Promise<HostProcess> {
  const host = startHost({ stateDir, env: death === 'none' ? {} : { [CRASH_ENV]: death } });
  const greeting = await hello(host);
  if (!greeting.ok) throw new Error(`the host refused the handshake: ${JSON.stringify(greeting.error)}`);
  return host;
}

function isDead(host: HostProcess): boolean {
  return host.child.exitCode !== null || host.child.signalCode !== null;
}

/** The host's reply to one send, or 'died' when it died before answering. */
async function sendOnce(host: HostProcess, attestation: Attestation): Promise<HostReply | 'died'> {
  return Promise.race([host.request('attest', { attestation }), host.exited.then(() => 'died' as const)]);
}

async function quit(host: HostProcess): Promise<void> {
  if (isDead(host)) return;
  host.child.stdin.end();
  await host.exited;
}

interface Settlement {
  settled: CellResult['settled'];
  tries: number;
  trail: string[];
  hostDeaths: number;
  /** The receipt: the host's outcome, when a send came back acknowledged. */
  outcome?: AttestOutcome;
  /** The number the host gave when it refused the consultation as already attested. */
  alreadyAttestedAs?: string;
  /** The host's journal of today, for the patient, once settled. */
  journal: JournalSend[];
}

/** The clinician: restarts the host if it died, sends again until the consultation is settled. */
async function sendUntilSettled(stateDir: string, cell: MatrixCell): Promise<Settlement> {
  let host = await startedHost(stateDir, cell.death);
  let hostDeaths = 0;
  const trail: string[] = [];
  let settlement: Omit<Settlement, 'journal' | 'hostDeaths' | 'trail'> = { settled: 'unsettled', tries: 0 };
  try {
    for (let tries = 1; tries <= MAX_TRIES; tries += 1) {
      if (isDead(host)) {
        hostDeaths += 1;
        host = await startedHost(stateDir, 'none');
      }
      const reply = await sendOnce(host, consultation(cell.edited && tries === 2));
      settlement = { settled: 'unsettled', tries };
      trail.push(reply === 'died' ? 'died' : reply.ok ? attestOutcomeSchema.parse(reply.result).outcome : reply.error.code);
      if (reply === 'died') continue;
      if (reply.ok) {
        const outcome = attestOutcomeSchema.parse(reply.result);
        settlement = { settled: outcome.outcome === 'acknowledged' ? 'acknowledged' : 'refused', tries, outcome };
        break;
      }
      if (reply.error.code === 'ALREADY_ATTESTED') {
        const number = reply.error.details?.['acknowledgementNumber'];
        settlement = { settled: 'already attested', tries, ...(typeof number === 'string' ? { alreadyAttestedAs: number } : {}) };
        break;
      }
      // Anything else leaves the outcome unknown or the send undone: the clinician sends again.
    }
    if (isDead(host)) {
      hostDeaths += 1;
      host = await startedHost(stateDir, 'none');
    }
    const day = await host.request('journalDay', { date: brusselsDate(new Date()) });
    if (!day.ok) throw new Error(`journalDay refused: ${JSON.stringify(day.error)}`);
    const journal = (day.result as { sends: unknown[] }).sends.map((send) => journalSendSchema.parse(send)).filter((send) => send.patientSsin === PATIENT_IN_ORDER);
    return { ...settlement, trail, hostDeaths, journal };
  } finally {
    await quit(host);
  }
}

/** The acts as a comparable text: code and amount paid, in order of code. */
function actsText(acts: readonly { code: string; amountPaidCents?: number | undefined }[]): string {
  return acts
    .map((act) => `${act.code}:${act.amountPaidCents ?? '?'}`)
    .sort()
    .join(',');
}

/** What the receipt (the host's outcome, or its journal) says against what the insurer holds. */
function receiptDifferences(settlement: Settlement, held: readonly StoredAttestation[]): string[] {
  const differences: string[] = [];
  const receipts: { source: string; number: string; inputReference: string; acts: string }[] = [];
  if (settlement.outcome?.outcome === 'acknowledged') {
    const { outcome } = settlement;
    receipts.push({ source: 'outcome', number: outcome.acknowledgementNumber, inputReference: outcome.inputReference, acts: actsText(outcome.attestation.acts) });
  }
  for (const send of settlement.journal) {
    if (send.status === 'acknowledged' && send.acknowledgementNumber !== undefined) {
      receipts.push({ source: 'journal', number: send.acknowledgementNumber, inputReference: send.inputReference, acts: actsText(send.attestation.acts) });
    }
  }
  for (const receipt of receipts) {
    const insurer = held.find((stored) => stored.acknowledgementNumber === receipt.number);
    if (insurer === undefined) {
      differences.push(`${receipt.source} ${receipt.number}: the insurer holds no such live attestation`);
      continue;
    }
    if (insurer.inputReference !== receipt.inputReference) differences.push(`${receipt.source} InputReference ${receipt.inputReference}, insurer ${insurer.inputReference}`);
    if (actsText(insurer.acts) !== receipt.acts) differences.push(`${receipt.source} acts ${receipt.acts}, insurer ${actsText(insurer.acts)}`);
  }
  if (settlement.alreadyAttestedAs !== undefined && !held.some((stored) => stored.acknowledgementNumber === settlement.alreadyAttestedAs)) {
    differences.push(`already attested as ${settlement.alreadyAttestedAs}, which the insurer does not hold`);
  }
  return differences;
}

/** One cell: a clean insurer, the fault armed, a fresh host state, the clinician's sends, the count. */
export async function runCell(lane: Lane, cell: MatrixCell): Promise<CellResult> {
  const { simulator, pki } = lane;
  await simulatorQuiet(simulator.url, pki.caCert);
  await simulatorControlReset(simulator.url, pki.caCert, 'attestations');
  await simulatorControlReset(simulator.url, pki.caCert, 'stats');
  simulator.setFaults(cell.fault.rule === undefined ? [] : [cell.fault.rule]);
  const stateDir = mkdtempSync(join(tmpdir(), 'eattest-matrix-'));
  cpSync(lane.template, stateDir, { recursive: true });
  try {
    const settlement = await sendUntilSettled(stateDir, cell);
    simulator.setFaults([]);
    await simulatorQuiet(simulator.url, pki.caCert);
    const stored = (await simulatorControl(simulator.url, pki.caCert, 'attestations')) as { attestations: StoredAttestation[] };
    const stats = (await simulatorControl(simulator.url, pki.caCert, 'stats')) as { requests: { eattest: number } };
    const held = stored.attestations.filter((attestation) => attestation.patientSsin === PATIENT_IN_ORDER && attestation.cancelled === undefined);
    const known = new Set([
      ...(settlement.outcome?.outcome === 'acknowledged' ? [settlement.outcome.acknowledgementNumber] : []),
      ...(settlement.alreadyAttestedAs !== undefined ? [settlement.alreadyAttestedAs] : []),
      ...settlement.journal.flatMap((send) => (send.acknowledgementNumber !== undefined ? [send.acknowledgementNumber] : [])),
    ]);
    return {
      cell,
      settled: settlement.settled,
      tries: settlement.tries,
      trail: settlement.trail,
      hostDeaths: settlement.hostDeaths,
      insurerRequests: stats.requests.eattest,
      lost: held.filter((attestation) => !known.has(attestation.acknowledgementNumber)).length,
      liveDuplicates: Math.max(0, held.length - 1),
      receiptDiffers: receiptDifferences(settlement, held),
    };
  } finally {
    simulator.setFaults([]);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Runs the cells on the lanes side by side, each lane one cell at a time; results in the cells' order. */
export async function runInLanes(lanes: readonly Lane[], cells: readonly MatrixCell[]): Promise<CellResult[]> {
  const results: CellResult[] = new Array<CellResult>(cells.length);
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      for (let index = next++; index < cells.length; index = next++) {
        const cell = cells[index];
        if (cell !== undefined) results[index] = await runCell(lane, cell);
      }
    }),
  );
  return results;
}

/** A browser-side cell: what happened, and whether the extension's ledger and the insurer agree. */
export interface BrowserCellResult {
  name: string;
  /** What the ledger said of the consultation at each opening of the popup after the fault, and after each send again. */
  ledger: string;
  /** Live attestations at the insurer for the patient. */
  live: number;
  problems: string[];
}

/** A send's end, short enough for a table cell. */
const TRAIL_WORDS: Readonly<Record<string, string>> = { died: '†', acknowledged: 'ack', refused: 'refused', MYCARENET_UNAVAILABLE: 'unavail', MYCARENET_TIMEOUT: 'timeout', MYCARENET_BAD_ANSWER: 'bad answer', ALREADY_ATTESTED: 'already' };

function hostCellText(result: CellResult | undefined): string {
  if (result === undefined) return '–';
  const mark = cellFailed(result) ? '✗' : '✓';
  const what = [
    result.trail.map((step) => TRAIL_WORDS[step] ?? step).join(' → '),
    `${result.insurerRequests} at insurer`,
    ...(result.lost > 0 ? [`${result.lost} LOST`] : []),
    ...(result.liveDuplicates > 0 ? [`${result.liveDuplicates} DUPLICATE`] : []),
    ...(result.receiptDiffers.length > 0 ? ['RECEIPT DIFFERS'] : []),
  ];
  return `${mark} ${what.join(', ')}`;
}

/** The matrix as a Markdown table (rows: faults; columns: host deaths, then the edited consultation), with the totals. */
export function matrixTable(results: readonly CellResult[], browser: readonly BrowserCellResult[], at: Date): string {
  const find = (fault: SendFault, death: HostDeath, edited: boolean) => results.find((result) => result.cell.fault.name === fault.name && result.cell.death === death && result.cell.edited === edited);
  const editedColumn = results.some((result) => result.cell.edited);
  const header = ['send fault \\ host death', ...HOST_DEATHS, ...(editedColumn ? ['edited after unknown'] : [])];
  const rows = SEND_FAULTS.map((fault) => [fault.name, ...HOST_DEATHS.map((death) => hostCellText(find(fault, death, false))), ...(editedColumn ? [hostCellText(find(fault, 'none', true))] : [])]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const sum = (pick: (result: CellResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  const lines = [`## Fault matrix (${at.toISOString()})`];
  if (results.length > 0) {
    lines.push(
      '',
      'Each cell: what each send of the same consultation came to (†: the host died; it is restarted), then the eAttest requests the insurer received.',
      '',
      line(header),
      line(header.map(() => '---')),
      ...rows.map(line),
      '',
      `${results.length} host cells: ${sum((result) => result.lost)} lost, ${sum((result) => result.liveDuplicates)} live duplicates, ` +
        `${results.filter((result) => result.receiptDiffers.length > 0).length} receipts differing from the insurer, ${results.filter((result) => result.settled === 'unsettled' || result.settled === 'refused').length} unsettled.`,
    );
  }
  for (const result of results.filter(cellFailed)) lines.push(`- ✗ ${cellName(result.cell)}: ${[result.settled, ...result.receiptDiffers].join('; ')}`);
  if (browser.length > 0) {
    lines.push('', line(['browser-side fault (real Chromium, real host)', 'extension ledger at each popup opening', 'live at insurer', 'result']), line(['---', '---', '---', '---']));
    for (const cell of browser) lines.push(line([cell.name, cell.ledger, String(cell.live), cell.problems.length === 0 ? '✓' : `✗ ${cell.problems.join('; ')}`]));
  }
  return `${lines.join('\n')}\n`;
}

/** Where the last matrix is written (git-ignored), for the README. */
export const MATRIX_REPORT = join(repoRoot, '.test-results', 'fault-matrix.md');

export function writeMatrixReport(table: string): void {
  mkdirSync(dirname(MATRIX_REPORT), { recursive: true });
  writeFileSync(MATRIX_REPORT, table);
}
