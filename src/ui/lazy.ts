import { useEffect, useState } from 'preact/hooks';

/**
 * A module loaded after the page's first paint, for what is not on the first screen (a closed
 * disclosure, an answer still to come): it keeps the popup's first paint small (bench: ≤ 60 KB).
 * Undefined until it has loaded.
 */
export function useLazyModule<T>(load: () => Promise<T>): T | undefined {
  const [module, setModule] = useState<T | undefined>();
  useEffect(() => {
    let mounted = true;
    load()
      .then((loaded) => {
        if (mounted) setModule(() => loaded);
      })
      .catch((error: unknown) => console.warn('[eattest] a part of the page did not load', error));
    return () => {
      mounted = false;
    };
  }, []);
  return module;
}
