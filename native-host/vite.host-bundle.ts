import { builtinModules } from 'node:module';
import type { UserConfig } from 'vite';

type OutputOptions = Exclude<NonNullable<NonNullable<UserConfig['build']>['rolldownOptions']>['output'], unknown[] | undefined>;

/** Node's built-in modules stay external; everything else is bundled (no node_modules at run time). */
export const HOST_EXTERNALS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
/** Minified with function and class names kept, since error names reach the log and libraries may read them. */
export const HOST_MINIFY = { compress: { keepNames: { function: true, class: true } }, mangle: { keepNames: true } } as const;

/**
 * What every bundle of the host shares (the development boot and program, the packaged boot): one
 * entry built for Node 20 without source maps, every dependency bundled, Node's modules external.
 */
export function hostBundle(options: { entry: string; outDir: string; emptyOutDir: boolean; output: OutputOptions }): UserConfig {
  return {
    build: {
      ssr: options.entry,
      outDir: options.outDir,
      emptyOutDir: options.emptyOutDir,
      target: 'node20',
      sourcemap: false,
      rolldownOptions: { external: HOST_EXTERNALS, output: options.output },
    },
    ssr: { noExternal: true, target: 'node' },
  };
}
