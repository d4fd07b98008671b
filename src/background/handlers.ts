import { toErrorPayload } from '../shared/errors.js';
import { createConsultationHandlers, customAdaptersFor, type ConsultationDeps } from './consultation-handlers.js';
import type { Attestations } from './attestations.js';
import type { JournalAnchor } from './journal-anchor.js';
import type { Ledger } from './ledger.js';
import type { NativeHostClient } from './native-host-client.js';
import { patientLanguageOfTab } from './proposals.js';
import { writeAcknowledgementToTab } from './write-back.js';
import type { PatientData } from './patient-data.js';
import type { HandlerTable, Sender } from './router.js';

/** The extension page a message came from (the router only lets extension pages ask for patient data). */
function pageOf(sender: Sender): string {
  return sender.kind === 'extension-page' ? sender.url : sender.origin;
}

/** One handler per background message; each is small and delegates to the host client or the store. */
export function createHandlers(host: NativeHostClient, patientData: PatientData, consultation: ConsultationDeps, attestations: Attestations, journalAnchor: JournalAnchor, ledger: Ledger): HandlerTable {
  return {
    'content.ready': async (_message, sender) => {
      // An EHR page is open: start the host now and have it warm its keystore, STS token and ETKs,
      // so that the clinician's first click finds it warm (a no-op when it already is).
      const prewarming = !host.connected;
      host.request('warm', {}).catch(() => undefined);
      return { prewarming, adapters: await customAdaptersFor(consultation, sender) };
    },
    'host.status': async () => {
      try {
        const status = await host.request('status', {});
        const journalAlarm = await journalAnchor.observe(status.journalHead);
        return { connected: true, status, ...(journalAlarm !== undefined ? { journalAlarm: journalAlarm.toPayload() } : {}) };
      } catch (error) {
        return { connected: false, error: toErrorPayload(error) };
      }
    },
    'insurability.cached': async (message, sender) => ({ answer: (await patientData.cachedInsurability(message.ssin, pageOf(sender))) ?? null }),
    'insurability.get': (message, sender) => patientData.insurability(message.ssin, message.contactType, pageOf(sender)),
    'insurability.refresh': (message, sender) => patientData.refreshInsurability(message.ssin, message.contactType, pageOf(sender)),
    'tariffs.get': (message, sender) => patientData.tariffs(message.ssin, message.codes, pageOf(sender), message.teeth),
    'dmg.get': (message, sender) => patientData.dmgHolder(message.ssin, pageOf(sender)),
    'attestation.send': async (message) => {
      // A journal cut back may have lost this very send: the host refuses it unless its journal still
      // reaches the highest head this extension saw.
      const { patient, acts } = message.attestation;
      const patientLanguage = message.tabId === undefined ? undefined : await patientLanguageOfTab(consultation.proposals, message.tabId, patient.ssin);
      // Both local reads, side by side: the warm send waits for neither more than for the slower.
      const [anchor, patientShares] = await Promise.all([journalAnchor.anchorForSend(), patientData.knownPatientShares(patient.ssin, acts.map((act) => act.code))]);
      const outcome = await attestations.send(message.attestation, anchor, { patientLanguage, patientShares }).finally(() => {
        journalAnchor.follow().catch(() => undefined);
      });
      if (outcome.outcome === 'acknowledged' && message.tabId !== undefined) {
        // Into the EHR's field when its adapter names one; the number is already safe in the journal.
        writeAcknowledgementToTab(consultation.proposals, consultation.sendToTab, message.tabId, message.attestation.patient.ssin, outcome.acknowledgementNumber).catch(
          (error: unknown) => console.warn('[eattest] write-back failed', error),
        );
      }
      return outcome;
    },
    'attestation.cancel': (message) => attestations.cancel(message.acknowledgementNumber, message.patientSsin, message.reason),
    'attestation.abandon': async (message) => ({ record: await attestations.abandon(message.consultationKey, message.reason) }),
    'attestation.today': async () => ({ records: await attestations.today() }),
    'attestation.record': async (message) => ({ record: (await attestations.receipt(message.consultationKey)) ?? null }),
    'ledger.export': (message) => ledger.export(message.period),
    ...createConsultationHandlers(consultation),
  };
}
