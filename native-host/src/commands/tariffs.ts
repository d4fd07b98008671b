import { journaledConsultation } from '../transmission/journaled-consultation.js';
import { consultTariffs } from '../mycarenet/tarification/consult.js';
import { consultationContext, type CommandHandler } from './context.js';

/** Tariffs of one or more codes for one patient and day (Tarification): only on the clinician's explicit request. */
export const tariffs: CommandHandler<'tariffs'> = (params, context) =>
  journaledConsultation(consultationContext(context), { subject: 'tariffs', patient: { ssin: params.ssin }, careDate: params.date, codes: params.codes }, () =>
    consultTariffs({ ehealth: context.ehealth, config: context.config, log: context.log }, params),
  );
