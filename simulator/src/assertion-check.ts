import { X509Certificate } from 'node:crypto';
import { signatureChecker } from './signatures.js';
import { Unauthenticated } from './wss.js';
import { DS_NS, SAML_NS, childrenNS, elementsNS, text, writeXml, readXml } from './xml.js';

/**
 * Checks an STS assertion presented in a holder-of-key call: our STS signed it (over exactly the
 * assertion), it is current, and it names the holder's certificate.
 */
export function assertionChecker(stsCertificate: X509Certificate, now: () => Date) {
  return (assertion: Element): { holder: X509Certificate; assertionId: string } => {
    const assertionId = assertion.getAttribute('AssertionID') ?? '';
    const standaloneXml = writeXml(assertion);
    const standalone = readXml(standaloneXml).documentElement as Element;
    const signatures = childrenNS(standalone, DS_NS, 'Signature');
    const signature = signatures[0];
    if (signatures.length !== 1 || signature === undefined) throw new Unauthenticated('the assertion is not signed');
    const checker = signatureChecker(stsCertificate.toString(), { idAttribute: 'AssertionID' });
    checker.loadSignature(signature);
    let valid: boolean;
    try {
      valid = checker.checkSignature(standaloneXml);
    } catch {
      valid = false;
    }
    const references = checker.getReferences();
    if (!valid || references.length !== 1 || references[0]?.uri !== `#${assertionId}`) throw new Unauthenticated('the assertion signature does not verify');
    const conditions = elementsNS(standalone, SAML_NS, 'Conditions')[0];
    const notBefore = Date.parse(conditions?.getAttribute('NotBefore') ?? '');
    const notOnOrAfter = Date.parse(conditions?.getAttribute('NotOnOrAfter') ?? '');
    const time = now().getTime();
    if (!(time >= notBefore - 5 * 60_000 && time < notOnOrAfter)) throw new Unauthenticated('the token has expired');
    const confirmation = elementsNS(standalone, SAML_NS, 'SubjectConfirmation')[0];
    const holderText = text(confirmation === undefined ? undefined : elementsNS(confirmation, DS_NS, 'X509Certificate')[0]);
    let holder: X509Certificate;
    try {
      holder = new X509Certificate(Buffer.from(holderText.replace(/\s+/g, ''), 'base64'));
    } catch {
      throw new Unauthenticated('the assertion names no holder');
    }
    return { holder, assertionId };
  };
}
