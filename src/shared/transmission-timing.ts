// Without zod: the popup loads it to say how long a send may take.

/**
 * Timeouts, consistent end to end (a send the background gave up on must not still be running in
 * the host, or "Send again" would put two attempts on the wire). One eHealth or MyCareNet call in
 * the host waits at most HOST_CALL_TIMEOUT_MAX_MS (config.json's soapTimeoutMs may only lower it).
 */
export const HOST_CALL_TIMEOUT_MAX_MS = 20_000;
/** How long the host's journal waits for another writer's lock (journal.ts's default), at most. */
const HOST_JOURNAL_LOCK_WAIT_MS = 10_000;
/**
 * The host's worst case for one `attest` (or `cancel`): the STS sign-in, the ETKs when not cached,
 * the send, and one token renewal (the STS and the send again), each a full call timeout, plus the
 * journal's lock waits (decision, intent, outcome). The host never works longer on a send.
 */
export const HOST_ATTEST_WORST_CASE_MS = 5 * HOST_CALL_TIMEOUT_MAX_MS + 3 * HOST_JOURNAL_LOCK_WAIT_MS;
/** The background waits longer than the host's worst case, so that it never gives up on a send still running. */
export const BACKGROUND_ATTEST_WAIT_MS = HOST_ATTEST_WORST_CASE_MS + 15_000;
