/**
 * A MemberData refusal in the platform's shape (PROTOCOL §6.4): SAML status codes and the CIN fault
 * with its detail code, source and location. The codes are the catalogue's.
 */
export class SamlRefusal extends Error {
  override readonly name = 'SamlRefusal';
  constructor(
    readonly status: 'Requester' | 'Responder',
    readonly subStatus: 'RequestError' | 'AttributeQueryError' | 'InputError' | 'InternalError',
    readonly faultCode: 'INPUT_ERROR' | 'VALIDATION_ERROR' | 'AUTHORIZATION_ERROR' | 'GENERIC_ERROR',
    readonly detailCode: string,
    location: string,
    message: string,
    readonly faultSource = 'MYCARENET',
  ) {
    super(message);
    this.location = platformLocation(location);
  }

  readonly location: string;
}

/**
 * The catalogue writes locations as paths ("/AttributeQuery/Extensions/Facet[id]/Dimension[name]");
 * the platform answers with namespace-agnostic XPath: "*:AttributeQuery/*:Extensions/*:Facet[@id="…"]".
 */
export function platformLocation(path: string): string {
  if (!path.startsWith('/')) return path;
  return path
    .slice(1)
    .split('/')
    .map((step) => {
      if (step.startsWith('@') || step === 'text()') return step;
      const predicate = /^([A-Za-z]+)\[([^\]]+)\]$/.exec(step);
      return predicate === null ? `*:${step}` : `*:${predicate[1]}[@id="${predicate[2]}"]`;
    })
    .join('/');
}

/** The query itself is wrong (Requester / AttributeQueryError / INPUT_ERROR). */
export function queryError(detailCode: string, location: string, message: string): SamlRefusal {
  return new SamlRefusal('Requester', 'AttributeQueryError', 'INPUT_ERROR', detailCode, location, message);
}
