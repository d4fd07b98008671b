import { builtinModules } from 'node:module';

/**
 * What every bundle of the host shares (the development program and the packaged one): Node's
 * built-in modules stay external, everything else is bundled; CommonJS; minified with function and
 * class names kept, since error names reach the log and libraries may read them.
 */
export const HOST_EXTERNALS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
export const HOST_MINIFY = { compress: { keepNames: { function: true, class: true } }, mangle: { keepNames: true } } as const;
