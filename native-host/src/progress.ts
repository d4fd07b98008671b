import { AsyncLocalStorage } from 'node:async_hooks';
import type { HostProgressStage } from '../../src/shared/host-protocol.js';

/**
 * The progress reporter of the request being handled (protocol 3), for code deep in a command — the
 * STS session — to say where it is without every caller passing it along. Outside a request (the
 * CLI, a warm-up, an older background) nothing is reported.
 */
const reporter = new AsyncLocalStorage<(stage: HostProgressStage) => void>();

export function withProgress<T>(report: (stage: HostProgressStage) => void, run: () => T): T {
  return reporter.run(report, run);
}

export function reportProgress(stage: HostProgressStage): void {
  reporter.getStore()?.(stage);
}
