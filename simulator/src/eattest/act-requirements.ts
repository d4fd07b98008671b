/**
 * What the simulated insurers require of particular codes: the product's one illustrative list
 * (src/shared/domain/act-requirements.ts), and which insurers the simulator makes demand the
 * reading of the identity document.
 */
export { requirementsOf, type ActRequirements } from '../../../src/shared/domain/act-requirements.js';

/**
 * Insurers the simulator makes demand the identity document's reading (error 222). No public
 * source lists which insurers enforce it; the simulator is told (EattestContext) and none by default.
 */
export const NO_INSURER_REQUIRES_IDENTITY_READING: ReadonlySet<string> = new Set();
