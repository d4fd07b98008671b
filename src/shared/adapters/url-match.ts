/**
 * Adapter URL patterns: `*` matches any run of characters, everything else is literal. Plain string
 * work, no regular expression built from data, so a pattern cannot be slow. The origin and the path
 * are matched apart, so a `*` in the host or port never reaches into the path.
 */
function globMatches(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  const first = pieces[0] ?? '';
  if (!text.startsWith(first)) return false;
  let position = first.length;
  for (let index = 1; index < pieces.length; index += 1) {
    const piece = pieces[index] ?? '';
    if (index === pieces.length - 1) return text.length - piece.length >= position && text.endsWith(piece);
    const found = text.indexOf(piece, position);
    if (found < 0) return false;
    position = found + piece.length;
  }
  return position === text.length;
}

/** `https://host:port` and the rest (path, query, hash). */
function splitOrigin(url: string): [string, string] {
  const schemeEnd = url.indexOf('://');
  const pathStart = schemeEnd < 0 ? -1 : url.indexOf('/', schemeEnd + 3);
  return pathStart < 0 ? [url, ''] : [url.slice(0, pathStart), url.slice(pathStart)];
}

export function urlMatches(pattern: string, url: string): boolean {
  const [patternOrigin, patternPath] = splitOrigin(pattern);
  const [urlOrigin, urlPath] = splitOrigin(url);
  return globMatches(patternOrigin, urlOrigin) && globMatches(patternPath, urlPath === '' ? '/' : urlPath);
}

export function anyUrlMatches(patterns: readonly string[], url: string): boolean {
  return patterns.some((pattern) => urlMatches(pattern, url));
}

/** Whether a pattern can match some page of this origin (the background knows only the sender's origin). */
export function patternMayMatchOrigin(pattern: string, origin: string): boolean {
  return globMatches(splitOrigin(pattern)[0], origin);
}
