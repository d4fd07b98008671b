import type { AttestationRecord } from '../shared/domain/receipt.js';
import type { MessageKey } from '../ui/i18n.js';

/**
 * The Belgian insurers by federation code (PROTOCOL "InsuranceOrgType", and JSIS as "rcam"), each
 * named in the receipt's language through the catalogs (receiptInsurer_<code>).
 */
const INSURER_NAME_KEYS = {
  '100': 'receiptInsurer_100',
  '200': 'receiptInsurer_200',
  '300': 'receiptInsurer_300',
  '400': 'receiptInsurer_400',
  '500': 'receiptInsurer_500',
  '600': 'receiptInsurer_600',
  '900': 'receiptInsurer_900',
  rcam: 'receiptInsurer_rcam',
} as const satisfies Record<string, MessageKey>;

export interface InsurerOfRecord {
  /** The federation code (100…900) or "rcam". */
  code: string;
  /** Absent for a code outside the table: the receipt then shows the code alone. */
  nameKey?: MessageKey;
}

/**
 * Who acknowledged: the host's outcome names the insurer; a record settled from the journal has
 * only the number, which starts with it (500-1-…). A local mutuality (116) is of its federation (100).
 */
export function insurerOf(record: AttestationRecord): InsurerOfRecord | undefined {
  const named = record.outcome?.outcome === 'acknowledged' ? record.outcome.insurer : undefined;
  const code = (named ?? /^(\d{3}|rcam)-/i.exec(record.acknowledgementNumber ?? '')?.[1])?.toLowerCase();
  if (code === undefined) return undefined;
  const federation = /^\d{3}$/.test(code) ? `${code.charAt(0)}00` : code;
  return Object.hasOwn(INSURER_NAME_KEYS, federation) ? { code: federation, nameKey: INSURER_NAME_KEYS[federation as keyof typeof INSURER_NAME_KEYS] } : { code };
}
