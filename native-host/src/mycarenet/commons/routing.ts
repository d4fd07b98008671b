import { AppError } from '../../../../src/shared/errors.js';
import { isValidSsin } from '../../../../src/shared/domain/identifiers.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';
import { commonsCoreNs, commonsProtocolNs, type CommonsVersion } from './namespaces.js';

/**
 * Routing (PROTOCOL §2.4): the patient by SSIN and the reference date, which MyCareNet uses to find
 * the insurer. For a patient of the EU institutions' scheme (JSIS) the mutuality is the literal
 * "rcam" beside the SSIN, which routes to that scheme rather than to a Belgian insurer (§11).
 */
export interface RoutingFields {
  version: CommonsVersion;
  ssin: string;
  referenceDate: string;
  /** Only "rcam" (JSIS): Belgian insurers are found from the SSIN alone. */
  mutuality?: 'rcam';
}

export function routing(fields: RoutingFields): ElementSpec {
  if (!isValidSsin(fields.ssin)) throw new AppError('INTERNAL', 'Routing needs a valid SSIN.');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fields.referenceDate)) throw new AppError('INTERNAL', 'Routing needs a YYYY-MM-DD reference date.');
  const core = commonsCoreNs(fields.version);
  return {
    ns: commonsProtocolNs(fields.version),
    name: 'mcp:Routing',
    children: [
      {
        ns: core,
        name: 'mcc:CareReceiver',
        children: [
          { ns: core, name: 'mcc:Ssin', children: [fields.ssin] },
          ...(fields.mutuality !== undefined ? [{ ns: core, name: 'mcc:Mutuality', children: [fields.mutuality] }] : []),
        ],
      },
      { ns: core, name: 'mcc:ReferenceDate', children: [fields.referenceDate] },
    ],
  };
}
