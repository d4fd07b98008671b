import { describe, expect, it } from 'vitest';
import { requestedAttributes } from '../../native-host/src/ehealth/sts/attributes.js';
import { PROFESSIONS } from '../../src/shared/domain/profession.js';

/**
 * What the host asks the STS for, per profession: the designators the official connector's and
 * freehealth-connector's session configurations use (identification SSINs first, then the
 * certified attributes in the connector's order).
 */

const ID = 'urn:be:fgov:identification-namespace';
const CERTIFIED = 'urn:be:fgov:certified-namespace:ehealth';
const E = 'urn:be:fgov:person:ssin:ehealth:1.0';
const ssins = [`urn:be:fgov:ehealth:1.0:certificateholder:person:ssin|${ID}`, `urn:be:fgov:person:ssin|${ID}`];
const certified = (...names: string[]) => names.map((name) => `${name}|${CERTIFIED}`);

const expected: Record<(typeof PROFESSIONS)[number], string[]> = {
  doctor: [...ssins, ...certified('urn:be:fgov:person:ssin:doctor:boolean', `${E}:doctor:nihii11`, `${E}:givenname`, `${E}:surname`, `${E}:fpsph:doctor:boolean`)],
  dentist: [...ssins, ...certified(`${E}:fpsph:dentist:boolean`, `${E}:nihii:dentist:nihii11`, `${E}:professional:dentist:boolean`)],
  nurse: [...ssins, ...certified('urn:be:fgov:person:ssin:nurse:boolean', `${E}:nurse:nihii11`, `${E}:nihii:nurse:nihii11`, `${E}:givenname`, `${E}:surname`, `${E}:fpsph:nurse:boolean`)],
  physiotherapist: [...ssins, ...certified(`${E}:professional:physiotherapist:boolean`, `${E}:nihii:physiotherapist:nihii11`, `${E}:givenname`, `${E}:surname`, `${E}:fpsph:physiotherapist:boolean`)],
  midwife: [...ssins, ...certified(`${E}:professional:midwife:boolean`, `${E}:nihii:midwife:nihii11`, `${E}:givenname`, `${E}:surname`, `${E}:fpsph:midwife:boolean`)],
  speechTherapist: [...ssins, ...certified(`${E}:professional:logopedist:boolean`, `${E}:nihii:logopedist:nihii11`, `${E}:givenname`, `${E}:surname`)],
  // An organisation: identified by its NIHII number, certified a recognised guard post (FHC STSServiceImpl).
  guardPost: [
    `urn:be:fgov:ehealth:1.0:guardpost:nihii-number|${ID}`,
    `urn:be:fgov:ehealth:1.0:certificateholder:guardpost:nihii-number|${ID}`,
    ...certified(
      'urn:be:fgov:ehealth:1.0:certificateholder:guardpost:nihii-number',
      'urn:be:fgov:ehealth:1.0:guardpost:nihii-number:recognisedguardpost:nihii11',
      'urn:be:fgov:ehealth:1.0:guardpost:nihii-number:recognisedguardpost:boolean',
      'urn:be:fgov:ehealth:1.0:certificateholder:recognisedorganization:boolean',
    ),
  ],
};

describe('the STS designators of each profession', () => {
  for (const profession of PROFESSIONS) {
    it(`asks what the connectors ask for a ${profession}`, () => {
      expect(requestedAttributes(profession).map(({ name, namespace }) => `${name}|${namespace}`)).toEqual(expected[profession]);
    });
  }
});
