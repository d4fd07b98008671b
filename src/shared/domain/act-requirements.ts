/**
 * What the insurers require of particular nomenclature codes before they attest them: one list for
 * the popup's and the host's checks before sending (attestation-checks.ts) and the simulator's
 * refusals. ILLUSTRATIVE: the real lists are the NIHDI's (dental fee schedule for teeth, the eFact
 * "prescriber list", the treated-limb codes); these few codes stand for each kind of rule so that
 * the refusals the catalogue names (100, 217, 237) can be seen.
 *
 * Shared rather than copied (DESIGN.md lets the simulator share src/shared): both sides can only
 * know the same published list, and two copies would drift without either being more right.
 * No zod here: the popup loads it with the checks.
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
