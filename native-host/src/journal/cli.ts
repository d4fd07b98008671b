import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { loadPlatformAnchors } from '../ehealth/trust/trust-store.js';
import { describeRecheck, recheckJournalSignatures } from '../mycarenet/eattest/signature-recheck.js';
import { stateDirectory } from '../state-directory.js';
import { currentOsUser } from './entry.js';
import { Journal, readJournal } from './journal.js';
import { describeChain, describeHead, describeTornTail, journalExport, journalIntact, summarizeJournal } from './report.js';

/** `eattest-host journal [--verify] [--recheck-signatures] [--export FILE] [--accept-loss] [--state-dir DIR]` */

const USAGE = 'eattest-host: usage: eattest-host journal [--verify] [--recheck-signatures] [--export FILE] [--accept-loss] [--state-dir DIR]\n';

/** Exit codes: 0 fine, 1 the chain is broken or does not reach its head anchor (or the loss was not accepted), 2 bad usage. */
export async function runJournalCli(argv: readonly string[], io: CliIo, now: Date = new Date()): Promise<number> {
  let values: { verify?: boolean | undefined; 'recheck-signatures'?: boolean | undefined; export?: string | undefined; 'accept-loss'?: boolean | undefined; 'state-dir'?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { verify: { type: 'boolean' }, 'recheck-signatures': { type: 'boolean' }, export: { type: 'string' }, 'accept-loss': { type: 'boolean' }, 'state-dir': { type: 'string' } },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    io.err(`eattest-host: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const stateDir = values['state-dir'] ?? stateDirectory();
  if (values['accept-loss'] === true) {
    const acceptance = await new Journal({ stateDir }).acceptLoss(`${currentOsUser()} (eattest-host journal --accept-loss)`);
    if ('refused' in acceptance) {
      io.err(`eattest-host: not accepted: ${acceptance.refused}\n`);
      return 1;
    }
    io.out(`Accepted and journaled (entry ${acceptance.accepted.seq}): ${acceptance.accepted.record.kind === 'journal-disturbance' ? acceptance.accepted.record.detail : ''}.\nThe journal is anchored again; sends go on.\n`);
    return 0;
  }
  const reading = readJournal(stateDir);

  if (values.export !== undefined) {
    // 'wx': an export never overwrites a file, least of all an earlier export.
    let fd: number;
    try {
      fd = openSync(values.export, 'wx', 0o600);
    } catch (error) {
      io.err(`eattest-host: cannot create ${values.export}: ${error instanceof Error && 'code' in error ? String(error.code) : 'error'}\n`);
      return 1;
    }
    try {
      writeSync(fd, `${JSON.stringify(journalExport(reading, now), null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    io.out(`Exported ${reading.entries.length} journal entries to ${values.export} (chain ${describeChain(reading.check)}).\n`);
  } else if (values['recheck-signatures'] === true) {
    let anchors;
    try {
      anchors = loadPlatformAnchors(loadConfig(stateDir));
    } catch (error) {
      io.err(`eattest-host: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    const rechecks = recheckJournalSignatures(stateDir, reading.entries, anchors, now);
    io.out([`Insurer signatures kept in ${reading.file}, verified again with today's trust store:`, ...(rechecks.length === 0 ? ['  none'] : rechecks.map(describeRecheck)), ''].join('\n'));
  } else if (values.verify === true) {
    if (!reading.exists && reading.head.status === 'matches') io.out(`No journal yet at ${reading.file}: nothing to verify.\n`);
    else {
      const lines = [`chain ${describeChain(reading.check)}`, ...describeHead(reading.head), ...describeTornTail(reading)];
      io.out([`Journal ${reading.file}`, ...lines.map((line) => `  ${line}`), ''].join('\n'));
    }
  } else {
    io.out(summarizeJournal(reading, now));
  }
  return journalIntact(reading) ? 0 : 1;
}
