/**
 * What the insurers hold: every accepted eAttest with its acknowledgement number, the InputReference
 * it came under (a retry with that reference is the same attestation, not a new one) and whether
 * it was cancelled. In memory, per simulator; GET /__control/attestations lists it for the tests, DELETE forgets it.
 */

export interface AttestedAct {
  code: string;
  date: string;
  /** What the patient paid for the act (the cgd's patientpaid), when the request said: the receipt must show the same. */
  amountPaidCents?: number;
}

export interface StoredAttestation {
  acknowledgementNumber: string;
  insurer: string;
  providerNihii11: string;
  /** The supervisor who attested for the provider, a physician in training; a cancellation is theirs too. */
  supervisorNihii11?: string;
  /** The physician on duty who gave the care, when the provider is a guard post. */
  performerNihii11?: string;
  inputReference: string;
  patientSsin: string;
  acts: AttestedAct[];
  acceptedAt: string;
  /** The attemptNbr of every request that reached the insurer for this attestation. */
  attempts: number[];
  /** The digest of the kmehr first accepted: a retry must carry the same attestation. */
  kmehrDigest: string;
  cancelled?: { reason: string; at: string };
}

/** Check digits of the simulated number: 97 minus the rest modulo 97 (the meaning of the real ones is not known). */
function checkDigits(digits: string): string {
  return String(97 - Number(BigInt(digits) % 97n)).padStart(2, '0');
}

export class AttestationStore {
  private readonly attestations: StoredAttestation[] = [];
  private sequence = 0;

  byReference(providerNihii11: string, inputReference: string): StoredAttestation | undefined {
    return this.attestations.find((attestation) => attestation.providerNihii11 === providerNihii11 && attestation.inputReference === inputReference);
  }

  byNumber(acknowledgementNumber: string): StoredAttestation | undefined {
    return this.attestations.find((attestation) => attestation.acknowledgementNumber === acknowledgementNumber);
  }

  /** A live attestation of the same act (code and date) for the patient: error 187. */
  alreadyAttested(patientSsin: string, act: AttestedAct): StoredAttestation | undefined {
    return this.attestations.find(
      (attestation) => attestation.cancelled === undefined && attestation.patientSsin === patientSsin && attestation.acts.some((known) => known.code === act.code && known.date === act.date),
    );
  }

  /** `<insurer>-1-<YYMMDD>-<7 digits>-<2 digits>`, the observed form (PROTOCOL §8.3). */
  nextNumber(insurer: string, today: string): string {
    this.sequence += 1;
    const day = today.slice(2).replace(/-/g, '');
    const sequence = String(this.sequence).padStart(7, '0');
    return `${insurer}-1-${day}-${sequence}-${checkDigits(`${day}${sequence}`)}`;
  }

  add(attestation: StoredAttestation): void {
    this.attestations.push(attestation);
  }

  /** Forgets every attestation (DELETE /__control/attestations): the fault matrix starts each cell on a clean insurer. */
  clear(): void {
    this.attestations.length = 0;
  }

  list(): StoredAttestation[] {
    return this.attestations.map((attestation) => ({ ...attestation, acts: attestation.acts.map((act) => ({ ...act })), attempts: [...attestation.attempts] }));
  }
}
