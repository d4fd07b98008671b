import { HCPARTY_CODES } from '../../../../src/shared/domain/profession.js';
import { brusselsClockReading } from '../../../../src/shared/domain/calendar.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';
import type { CareProvider } from './care-provider.js';
import { MCN_NS } from './namespaces.js';

/**
 * Pieces of kmehr shared by the messageservices requests (Tarification, eAttest): the author
 * hcparty, the request header, and Brussels local date and time, which is what MyCareNet compares
 * with "today".
 */

export const KMEHR_VERSIONS = {
  idKmehr: '1.0',
  cdHcparty: '1.16',
  cdItem: '1.11',
  cdTransactionMyCareNet: '1.4',
  cdNihdi: '1.0',
} as const;

export function kmehr(name: string, attrs: Record<string, string> = {}, children: ElementSpec['children'] = []): ElementSpec {
  return { ns: MCN_NS.kmehr, name: `kmehr:${name}`, attrs, children };
}

export function msCore(name: string, attrs: Record<string, string> = {}, children: ElementSpec['children'] = []): ElementSpec {
  return { ns: MCN_NS.msCore, name: `core:${name}`, attrs, children };
}

/**
 * The clinician as a kmehr hcparty: NIHII, SSIN, profession and, when the platform gave them, names;
 * a guard post by its NIHII, its CD-HCPARTY and its `name` (no SSIN: FHC EattestV3ServiceImpl).
 */
export function providerHcparty(provider: CareProvider): ElementSpec {
  const names =
    provider.givenName !== undefined && provider.surname !== undefined
      ? [kmehr('firstname', {}, [provider.givenName]), kmehr('familyname', {}, [provider.surname])]
      : provider.name !== undefined
        ? [kmehr('name', {}, [provider.name])]
        : [];
  return kmehr('hcparty', {}, [
    kmehr('id', { S: 'ID-HCPARTY', SV: KMEHR_VERSIONS.idKmehr }, [provider.nihii11]),
    ...(provider.ssin !== undefined ? [kmehr('id', { S: 'INSS', SV: KMEHR_VERSIONS.idKmehr }, [provider.ssin])] : []),
    kmehr('cd', { S: 'CD-HCPARTY', SV: KMEHR_VERSIONS.cdHcparty }, [HCPARTY_CODES[provider.profession]]),
    ...names,
  ]);
}

/** Date (YYYY-MM-DD) and time (HH:MM:SS) of an instant in Brussels. */
export function brusselsDateTime(instant: Date): { date: string; time: string } {
  const clock = brusselsClockReading(instant);
  return { date: `${clock.year}-${clock.month}-${clock.day}`, time: `${clock.hour}:${clock.minute}:${clock.second}` };
}

/** The messageservices `request` block: id `<NIHII11>.<reference>`, author, date and time. */
export function kmehrRequestHeader(provider: CareProvider, reference: string, now: Date): ElementSpec {
  const { date, time } = brusselsDateTime(now);
  return msCore('request', {}, [
    msCore('id', { S: 'ID-KMEHR', SV: KMEHR_VERSIONS.idKmehr }, [`${provider.nihii11}.${reference}`]),
    msCore('author', {}, [providerHcparty(provider)]),
    msCore('date', {}, [date]),
    msCore('time', {}, [time]),
  ]);
}
