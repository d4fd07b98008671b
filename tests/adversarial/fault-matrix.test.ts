import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { runBrowserCell, type BrowserFault, type BrowserMatrixBench } from '../support/fault-matrix-browser.js';
import { startFlowBench } from '../support/content-e2e.js';
import { cellFailed, cellName, HOST_DEATHS, matrixTable, MATRIX_REPORT, runInLanes, SEND_FAULTS, startLane, writeMatrixReport, type BrowserCellResult, type CellResult, type Lane, type MatrixCell } from '../support/fault-matrix.js';

/**
 * Issue 13's fault matrix: every send fault of the simulator × every point where the host can die,
 * through the built host over native messaging and the simulator over HTTPS; the clinician sends
 * the same consultation again until it is settled; the insurer's count decides. Then the browser
 * side, in Chromium with the real host: the service worker, the popup or the browser stopped while
 * the request waits at the insurer; the extension's ledger and the insurer must agree. The table
 * is printed and written to .test-results/fault-matrix.md (needs `npm run build`).
 */

/** Lanes side by side: each its own simulator and host states (two cores: the hosts mostly wait on each other). */
const LANES = 3;

let pki: TestPki;
let lanes: Lane[] = [];
const hostResults: CellResult[] = [];
const browserResults: BrowserCellResult[] = [];

beforeAll(async () => {
  pki = await ensureTestPki();
  lanes = await Promise.all(Array.from({ length: LANES }, () => startLane(pki)));
});
afterAll(async () => {
  await Promise.all(lanes.map((lane) => lane.close()));
  if (hostResults.length + browserResults.length === 0) return;
  const table = matrixTable(hostResults, browserResults, new Date());
  writeMatrixReport(table);
  process.stdout.write(`\n${table}\n(written to ${MATRIX_REPORT})\n`);
});

function failures(results: readonly CellResult[]): string[] {
  return results.filter(cellFailed).map((result) => `${cellName(result.cell)}: ${JSON.stringify({ ...result, cell: undefined })}`);
}

describe('the fault matrix: 0 lost, 0 live duplicates, every receipt equal to what the insurer holds', () => {
  it('every send fault × every host death, the same consultation sent again until settled', async () => {
    const cells: MatrixCell[] = SEND_FAULTS.flatMap((fault) => HOST_DEATHS.map((death) => ({ fault, death, edited: false })));
    const results = await runInLanes(lanes, cells);
    hostResults.push(...results);
    expect(failures(results)).toEqual([]);
    // The matrix can fail: the faults reached the insurer and the deaths happened.
    expect(results.filter((result) => result.cell.death !== 'none' && result.hostDeaths > 0).length).toBeGreaterThan(0);
  }, 240_000);

  it('every send fault, the consultation edited after a first send whose outcome stayed unknown', async () => {
    const cells: MatrixCell[] = SEND_FAULTS.map((fault) => ({ fault, death: 'none', edited: true }));
    const results = await runInLanes(lanes, cells);
    hostResults.push(...results);
    expect(failures(results)).toEqual([]);
  }, 120_000);
});

describe('the fault matrix, browser side: afterwards the extension’s ledger and the insurer agree', () => {
  let matrix: BrowserMatrixBench;
  beforeAll(async () => {
    const bench = await startFlowBench({ clinician: (testPki: TestPki) => testPki.clinicians.doctorRsa });
    matrix = { bench, session: bench.session };
  });
  afterAll(async () => {
    // The bench's own browser may have been replaced by one started again on its profile.
    if (matrix.session !== matrix.bench.session) await matrix.session.close();
    await matrix.bench.close();
  });

  /** One consultation per cell (the act code the clinician corrects it to), so the host's journal keeps them apart. */
  const cells: [BrowserFault, string][] = [
    ['service worker killed', '101076'],
    ['popup closed', '101010'],
    ['browser closed', '101032'],
  ];
  for (const [fault, code] of cells) {
    it(`${fault} mid-send`, async () => {
      const result = await runBrowserCell(matrix, fault, code);
      browserResults.push(result);
      expect(result.problems).toEqual([]);
    });
  }
});
