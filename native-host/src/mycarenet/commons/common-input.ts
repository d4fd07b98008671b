import { AppError } from '../../../../src/shared/errors.js';
import { isOrganisation } from '../../../../src/shared/domain/profession.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';
import type { CareProvider } from './care-provider.js';
import { INPUT_REFERENCE } from './input-reference.js';
import { commonsCoreNs, commonsProtocolNs, type CommonsVersion } from './namespaces.js';
import type { SoftwarePackage } from './software-package.js';

/**
 * CommonInput (PROTOCOL §2.3) for commons v2, v3 and v4: the same shape in three namespaces, v4
 * adding the `urn:be:cin:nippin:attemptNbr` attribute that marks a re-send of the same request.
 */
export interface CommonInputFields {
  version: CommonsVersion;
  isTest: boolean;
  inputReference: string;
  softwarePackage: SoftwarePackage;
  provider: CareProvider;
  /** v4 only: 1 on the first attempt, +1 on each re-send of the same request. */
  attemptNbr?: number;
}

export const ATTEMPT_NUMBER_KEY = 'urn:be:cin:nippin:attemptNbr';

export function commonInput(fields: CommonInputFields): ElementSpec {
  const core = commonsCoreNs(fields.version);
  const el = (name: string, children: ElementSpec['children'] = [], attrs?: Record<string, string>): ElementSpec => ({
    ns: core,
    name: `mcc:${name}`,
    children,
    ...(attrs !== undefined ? { attrs } : {}),
  });
  if (!INPUT_REFERENCE.test(fields.inputReference)) throw new AppError('INTERNAL', 'The InputReference has characters MyCareNet does not take.');
  const { provider } = fields;
  const organisation = isOrganisation(provider.profession);
  if (!/^\d{11}$/.test(provider.nihii11) || (!organisation && !/^\d{11}$/.test(provider.ssin ?? ''))) throw new AppError('INTERNAL', 'The care provider identifiers are not 11 digits.');
  // A guard post's quality is "guardpost" (PROTOCOL §2.3); the persons' keep their profession's name.
  const quality = provider.profession === 'guardPost' ? 'guardpost' : provider.profession;
  const nihii = (): ElementSpec => el('Nihii', [el('Quality', [quality]), el('Value', [provider.nihii11])]);
  // A person is named by their SSIN, an organisation by its name (IdType: Name before Nihii).
  const holder = organisation
    ? el('Organization', [...(provider.name !== undefined ? [el('Name', [provider.name])] : []), nihii()])
    : el('PhysicalPerson', [nihii(), el('Ssin', [provider.ssin ?? ''])]);
  const attributes: ElementSpec[] = [];
  if (fields.attemptNbr !== undefined) {
    if (fields.version !== 4) throw new AppError('INTERNAL', 'attemptNbr exists in commons v4 only.');
    if (!Number.isInteger(fields.attemptNbr) || fields.attemptNbr < 1 || fields.attemptNbr > 99) throw new AppError('INTERNAL', 'attemptNbr must be 1 to 99.');
    attributes.push(el('Attribute', [el('Value', [String(fields.attemptNbr)])], { Key: ATTEMPT_NUMBER_KEY }));
  }
  return {
    ns: commonsProtocolNs(fields.version),
    name: 'mcp:CommonInput',
    children: [
      el('Request', [el('IsTest', [String(fields.isTest)])]),
      el('Origin', [
        el('Package', [
          el('Name', [fields.softwarePackage.name]),
          el('License', [el('Username', [fields.softwarePackage.licenceUsername]), el('Password', [fields.softwarePackage.licencePassword])]),
        ]),
        el('CareProvider', [nihii(), holder]),
      ]),
      el('InputReference', [fields.inputReference]),
      ...attributes,
    ],
  };
}
