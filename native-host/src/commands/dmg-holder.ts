import { journaledConsultation } from '../transmission/journaled-consultation.js';
import { consultDmgHolder } from '../mycarenet/memberdata/consult.js';
import { consultationContext, type CommandHandler } from './context.js';

/** The DMG holder (MemberData, facet globalMedicalFile): only ever on the clinician's explicit request. */
export const dmgHolder: CommandHandler<'dmgHolder'> = (params, context) =>
  journaledConsultation(consultationContext(context), { subject: 'dmg-holder', patient: { ssin: params.ssin }, careDate: params.date }, () =>
    consultDmgHolder({ ehealth: context.ehealth, config: context.config, log: context.log }, params),
  );
