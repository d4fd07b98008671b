import type { Adapter } from '../shared/adapters/adapter-schema.js';
import type { WriteBackResult } from '../shared/extension-protocol.js';
import { readField } from './scraper.js';

const ACKNOWLEDGEMENT = /^[0-9A-Za-z][0-9A-Za-z-]{4,39}$/;
const SSIN = /^\d{11}$/;

/** A write-back command, checked by hand: the content script carries no schema library. */
export function isWriteBackCommand(message: unknown): message is { type: 'content.writeBack'; proposalId: string; ssin: string; acknowledgement: string } {
  if (typeof message !== 'object' || message === null) return false;
  const { type, proposalId, ssin, acknowledgement } = message as Record<string, unknown>;
  return type === 'content.writeBack' && typeof proposalId === 'string' && typeof ssin === 'string' && SSIN.test(ssin) && typeof acknowledgement === 'string' && ACKNOWLEDGEMENT.test(acknowledgement);
}

/** Sets a form field the way typing would, so that the EHR's own code (frameworks included) saves it. */
function setFieldValue(element: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const prototype = element instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  // The prototype's setter, not the instance's: frameworks track the instance property to detect edits.
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(element, value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
}

/**
 * Writes the acknowledgement number into the adapter's target field, only if the page still shows
 * the patient it belongs to (read again now, not remembered).
 */
export function writeAcknowledgement(adapter: Adapter | undefined, document: Document, ssin: string, acknowledgement: string): WriteBackResult {
  if (adapter?.writeBack === undefined) return { written: false, reason: 'noTarget' };
  const shown = readField(document, adapter.patient.ssin)?.replace(/\D/g, '');
  if (shown !== ssin) return { written: false, reason: 'patientChanged' };
  let target: Element | null;
  try {
    target = document.querySelector(adapter.writeBack.selector);
  } catch {
    target = null;
  }
  if (target === null) return { written: false, reason: 'noTarget' };
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    if (target.readOnly || target.disabled) return { written: false, reason: 'noTarget' };
    target.focus();
    setFieldValue(target, acknowledgement);
    target.blur();
  } else if (target instanceof HTMLElement && target.isContentEditable) {
    target.textContent = acknowledgement;
    target.dispatchEvent(new Event('input', { bubbles: true }));
  } else {
    return { written: false, reason: 'noTarget' };
  }
  return { written: true };
}
