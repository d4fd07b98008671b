import { useEffect, useRef, useState } from 'preact/hooks';
import { normaliseSsin } from '../shared/domain/identifier-rules.js';
import type { ContactType } from '../shared/domain/insurability.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import type { InsurabilityAnswer } from '../shared/extension-protocol.js';
import { askBackground } from '../ui/background.js';

export type InsurabilityState =
  | { phase: 'idle' }
  /** The patient the page proposed, not asked about yet: the clinician's click (Send, or "Check now") asks. */
  | { phase: 'confirm'; ssin: string; cacheChecked: boolean }
  | { phase: 'loading'; ssin: string }
  | { phase: 'done'; answer: InsurabilityAnswer }
  | { phase: 'failed'; ssin: string; error: ErrorPayload };

export interface PatientInsurability {
  state: InsurabilityState;
  contactType: ContactType;
  setContactType: (type: ContactType) => void;
  /** Asks the background (which answers from this contact's cache when it has the answer). */
  consult: (ssin: string, refresh?: boolean) => Promise<InsurabilityAnswer>;
  /** The answer for this SSIN: the one shown, else asked now (once per contact, the background caches it). */
  ensure: (ssin: string) => Promise<InsurabilityAnswer>;
}

/**
 * The insurability of the popup's patient. A patient proposed by the page is asked about as the
 * popup opens only when the clinician opened it (`consultOnOpen` true: the toolbar, browser UI no page
 * can click). Opened by the in-page button (false) — a click the page can forge — or not known yet
 * (undefined), nothing is asked; an answer this contact already has is shown at once.
 */
export function usePatientInsurability(proposedSsin: string | undefined, consultOnOpen: boolean | undefined, onAnswer?: (answer: InsurabilityAnswer) => void): PatientInsurability {
  const [state, setState] = useState<InsurabilityState>({ phase: 'idle' });
  const [contactType, setContactType] = useState<ContactType>('other');
  // Only the latest question's answer is shown: an earlier one arriving late is dropped.
  const latestQuestion = useRef(0);
  const shown = useRef<InsurabilityState>(state);
  shown.current = state;

  const consult = (ssin: string, refresh = false): Promise<InsurabilityAnswer> => {
    const question = ++latestQuestion.current;
    setState({ phase: 'loading', ssin });
    return askBackground({ type: refresh ? 'insurability.refresh' : 'insurability.get', ssin, contactType }).then(
      (answer) => {
        if (question === latestQuestion.current) {
          setState({ phase: 'done', answer });
          onAnswer?.(answer);
        }
        return answer;
      },
      (error: unknown) => {
        if (question === latestQuestion.current) setState({ phase: 'failed', ssin, error: toErrorPayload(error) });
        throw error;
      },
    );
  };

  const ensure = (ssin: string): Promise<InsurabilityAnswer> => {
    const current = shown.current;
    if (current.phase === 'done' && current.answer.insurability.patient.ssin === ssin) return Promise.resolve(current.answer);
    return consult(ssin);
  };

  useEffect(() => {
    const proposed = proposedSsin === undefined ? undefined : normaliseSsin(proposedSsin);
    // Until the popup knows who opened it, nothing is asked.
    if (proposed === undefined || consultOnOpen === undefined) return;
    if (consultOnOpen) {
      consult(proposed).catch(() => undefined);
      return;
    }
    const question = ++latestQuestion.current;
    setState({ phase: 'confirm', ssin: proposed, cacheChecked: false });
    const nothingCached = () => {
      if (question === latestQuestion.current) setState({ phase: 'confirm', ssin: proposed, cacheChecked: true });
    };
    askBackground({ type: 'insurability.cached', ssin: proposed })
      .then(({ answer }) => {
        if (answer === null) return nothingCached();
        if (question !== latestQuestion.current) return;
        setState({ phase: 'done', answer });
        onAnswer?.(answer);
      })
      .catch(nothingCached);
  }, [proposedSsin, consultOnOpen]);

  return { state, contactType, setContactType, consult, ensure };
}
