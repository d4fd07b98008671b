import { AppError } from '../shared/errors.js';
import { writeBackResultSchema, type WriteBackCommand, type WriteBackResult } from '../shared/extension-protocol.js';
import type { ConsultationProposal } from '../shared/domain/consultation.js';

export type SendToTab = (tabId: number, message: WriteBackCommand, frameId: number) => Promise<unknown>;

/**
 * After MyCareNet acknowledged an attestation: asks the content script of the proposal's tab to
 * write the acknowledgement number into the EHR's field (when its adapter names one). The content
 * script refuses when the page no longer shows the proposal's patient. Called by the eAttest flow.
 */
export async function writeAcknowledgementBack(sendToTab: SendToTab, proposal: ConsultationProposal, acknowledgement: string): Promise<WriteBackResult> {
  const ssin = proposal.patient.ssin.value;
  if (ssin === null) throw new AppError('INVALID_MESSAGE', 'the proposal has no valid patient to write back to');
  let reply: unknown;
  try {
    reply = await sendToTab(proposal.tabId, { type: 'content.writeBack', proposalId: proposal.id, ssin, acknowledgement }, proposal.frameId);
  } catch {
    // The tab closed or navigated away: nothing to write into.
    return { written: false, reason: 'patientChanged' };
  }
  const result = writeBackResultSchema.safeParse(reply);
  return result.success ? result.data : { written: false, reason: 'invalid' };
}

export const chromeSendToTab: SendToTab = (tabId, message, frameId) => chrome.tabs.sendMessage(tabId, message, { frameId });

/**
 * The same, from what the send flow knows after an acknowledgement (the tab the popup was about and
 * the patient it attested): writes only if the tab's current proposal is still that patient's.
 */
export async function writeAcknowledgementToTab(
  proposals: { current(tabId: number): Promise<ConsultationProposal | null> },
  sendToTab: SendToTab,
  tabId: number,
  ssin: string,
  acknowledgement: string,
): Promise<WriteBackResult> {
  const proposal = await proposals.current(tabId);
  if (proposal?.patient.ssin.value !== ssin) return { written: false, reason: 'patientChanged' };
  return writeAcknowledgementBack(sendToTab, proposal, acknowledgement);
}
