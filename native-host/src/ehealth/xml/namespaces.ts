/** XML namespaces of the eHealth and MyCareNet messages. */
export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsse11: 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:1.0:protocol',
  etkProtocol: 'urn:be:fgov:ehealth:etkdepot:1_0:protocol',
  etkCore: 'urn:be:fgov:ehealth:etkdepot:1_0:core',
  soaErrors: 'urn:be:fgov:ehealth:errors:soa:v1',
  errorsCore: 'urn:be:fgov:ehealth:errors:core:v1',
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
} as const;

export const WSS_X509_TOKEN_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
export const WSS_BASE64_ENCODING = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
export const WSS_SAML11_TOKEN_TYPE = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1';
export const WSS_SAML_ASSERTION_ID = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const SHA256_DIGEST = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
