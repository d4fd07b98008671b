import { consultInsurability } from '../mycarenet/memberdata/consult.js';
import { journaledConsultation } from '../transmission/journaled-consultation.js';
import { consultationContext, type CommandHandler } from './context.js';

/** The patient's insurability for a day of care (MemberData, facet insurability): once per contact, the background decides when. */
export const insurability: CommandHandler<'insurability'> = (params, context) =>
  journaledConsultation(consultationContext(context), { subject: 'insurability', patient: { ssin: params.ssin }, careDate: params.date }, () =>
    consultInsurability({ ehealth: context.ehealth, config: context.config, log: context.log }, { patient: { ssin: params.ssin }, date: params.date, contactType: params.contactType }),
  );
