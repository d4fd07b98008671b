/**
 * EHR sites the clinician grants: an origin typed by hand becomes the host-permission pattern the
 * browser grants. Only https origins, and http on the loopback (local test EHRs), are accepted,
 * matching the manifest's optional_host_permissions.
 */
export type SitePatternResult = { ok: true; origin: string; pattern: string } | { ok: false; reason: 'invalid' | 'insecure' };

export function sitePatternFor(input: string): SitePatternResult {
  const trimmed = input.trim();
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  if (trimmed === '' || trimmed.length > 2048 || !URL.canParse(candidate)) return { ok: false, reason: 'invalid' };
  const url = new URL(candidate);
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return { ok: false, reason: 'insecure' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'invalid' };
  return { ok: true, origin: url.origin, pattern: grantPatternOf(url) };
}

/**
 * The host-permission pattern that grants a site: scheme and host, no port. Match patterns without
 * a port match every port, so one grant covers the host. It is also the pattern to ask
 * `permissions.contains` about: Firefox answers false for a pattern with a port even when the
 * port-less grant covers it (Chromium answers true for both).
 */
export function grantPatternOf(url: URL): string {
  return `${url.protocol}//${url.hostname}/*`;
}
