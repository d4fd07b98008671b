import { brusselsDate } from '../shared/domain/calendar.js';
import {
  assessReading,
  consultationProposalSchema,
  proposalProblems,
  type ConsultationProposal,
  type ConsultationReading,
} from '../shared/domain/consultation.js';
import { languageOf, type Language } from '../shared/languages.js';

/** The parts of chrome.storage.session and chrome.action the store uses (fakes in unit tests). */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}
export interface Badge {
  show(tabId: number, state: 'ready' | 'problems' | 'none'): Promise<void>;
}

export interface ProposalStoreOptions {
  session: SessionArea;
  badge: Badge;
  /** The origin the tab shows now, when the extension may see it (granted origins only). */
  tabOrigin(tabId: number): Promise<string | undefined>;
  now?: () => Date;
  newId?: () => string;
}

interface Stored {
  /** The reading as the page gave it, to recognise an unchanged page. */
  reading: string;
  proposal: ConsultationProposal;
}

const keyOf = (tabId: number): string => `proposal:${tabId}`;

/**
 * The latest consultation proposal per tab. Kept in session storage so that a service-worker restart
 * keeps it (and only extension contexts can read it). Every new reading replaces the tab's proposal
 * whole, with a new id: a proposal is never merged with the previous one, so another patient's data
 * cannot linger. An unchanged reading keeps the proposal (and its id) the popup may be showing.
 */
export class ProposalStore {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly options: ProposalStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  async propose(reading: ConsultationReading | null, from: { tabId: number; frameId: number; origin: string }): Promise<ConsultationProposal | null> {
    if (reading === null) {
      await this.clear(from.tabId);
      return null;
    }
    const now = this.now();
    const today = brusselsDate(now);
    const text = JSON.stringify(reading);
    const previous = await this.stored(from.tabId);
    if (previous !== undefined && previous.reading === text && previous.proposal.origin === from.origin && previous.proposal.today === today) {
      return previous.proposal;
    }
    const assessed = assessReading(reading, { id: this.newId(), tabId: from.tabId, frameId: from.frameId, origin: from.origin, readAt: now.toISOString(), today });
    // Not a field the clinician corrects: a language the page gives that we do not speak is left out.
    const patientLanguage = languageOf(reading.patientLanguage);
    const proposal: ConsultationProposal = patientLanguage === undefined ? assessed : { ...assessed, patientLanguage };
    const stored: Stored = { reading: text, proposal };
    await this.options.session.set({ [keyOf(from.tabId)]: stored });
    await this.options.badge.show(from.tabId, proposalProblems(proposal).length > 0 ? 'problems' : 'ready');
    return proposal;
  }

  /** The tab's proposal, only while the tab still shows the origin that proposed it. */
  async current(tabId: number): Promise<ConsultationProposal | null> {
    const stored = await this.stored(tabId);
    if (stored === undefined) return null;
    const origin = await this.options.tabOrigin(tabId);
    if (origin !== stored.proposal.origin) {
      await this.clear(tabId);
      return null;
    }
    return stored.proposal;
  }

  async clear(tabId: number): Promise<void> {
    await this.options.session.remove(keyOf(tabId));
    await this.options.badge.show(tabId, 'none');
  }

  private async stored(tabId: number): Promise<Stored | undefined> {
    const value = (await this.options.session.get(keyOf(tabId)))[keyOf(tabId)];
    if (typeof value !== 'object' || value === null || !('reading' in value) || !('proposal' in value) || typeof value.reading !== 'string') return undefined;
    // Session storage is ours, but a stored value from an older version must not reach the popup unchecked.
    const proposal = consultationProposalSchema.safeParse(value.proposal);
    return proposal.success ? { reading: value.reading, proposal: proposal.data } : undefined;
  }
}

/** The toolbar badge: a check when the proposal is complete, "!" when a field needs the clinician. */
export function chromeBadge(action: typeof chrome.action): Badge {
  return {
    async show(tabId, state) {
      try {
        await action.setBadgeText({ tabId, text: state === 'none' ? '' : state === 'ready' ? '✓' : '!' });
        if (state !== 'none') await action.setBadgeBackgroundColor({ tabId, color: state === 'ready' ? '#1a7f37' : '#b35900' });
      } catch {
        // The tab closed meanwhile.
      }
    },
  };
}

/**
 * The patient's language the tab's EHR page gave, for the attestation being sent: only while the
 * tab's proposal is still that patient's (the popup may have been opened on another patient since).
 */
export async function patientLanguageOfTab(proposals: { current(tabId: number): Promise<ConsultationProposal | null> }, tabId: number, ssin: string): Promise<Language | undefined> {
  const proposal = await proposals.current(tabId).catch(() => null);
  return proposal?.patient.ssin.value === ssin ? proposal.patientLanguage : undefined;
}
