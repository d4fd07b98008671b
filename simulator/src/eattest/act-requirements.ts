/**
 * What the simulated insurers require of particular nomenclature codes before they attest them.
 * ILLUSTRATIVE: the real lists are the NIHDI's (dental fee schedule for teeth, the eFact
 * "prescriber list", the treated-limb codes); these few codes stand for each kind of rule so that
 * the refusals the catalogue names (100, 217, 237) can be seen.
 */

export interface ActRequirements {
  /** A dental act on one tooth: CD-ISO-3950 in the claim (no own catalogue code: 100). */
  tooth?: true;
  /** An act on a limb: NIHDI-TREATED-LIMB in the claim (237). */
  limb?: true;
  /** A prescribed act: a requestor item (217). */
  prescriber?: true;
}

const REQUIREMENTS: Readonly<Record<string, ActRequirements>> = {
  // Dentistry: a one-surface filling, an extraction.
  '374636': { tooth: true },
  '304746': { tooth: true },
  // Physiotherapy: an individual session for a current pathology is prescribed.
  '560011': { prescriber: true },
  '560652': { prescriber: true, limb: true },
};

export function requirementsOf(code: string): ActRequirements {
  return REQUIREMENTS[code] ?? {};
}

/**
 * Insurers the simulator makes demand the identity document's reading (error 222). No public
 * source lists which insurers enforce it; the simulator is told (EattestContext) and none by default.
 */
export const NO_INSURER_REQUIRES_IDENTITY_READING: ReadonlySet<string> = new Set();
