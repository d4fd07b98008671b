import * as z from 'zod/mini';

export { formatCents, parseEuroToCents, type Cents } from './money-text.js';

/** Money is integer euro cents everywhere inside the product; formatting happens at the UI edge. */
export const centsSchema = z.int().check(z.gte(-100_000_000), z.lte(100_000_000));
