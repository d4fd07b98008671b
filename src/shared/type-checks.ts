/** Compile-time equality of two types: `Assert<Same<A, B>>` fails to compile when they differ. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;
