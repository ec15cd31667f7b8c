/**
 * The schema library for everything in shared/ (the wire contract, settings, transcript payloads):
 * zod's tree-shakable "mini" API, so the window's first script carries only the checks it uses
 * (issue 13 size goal: classic zod's chained methods keep every string format and the JSON Schema
 * converter in the bundle, ~16 kB gzip more). Checks and error messages are classic zod's: both
 * run zod's core, and English messages are configured here once, as classic does on its first
 * schema. Use it as `import * as z from './zod.ts'`.
 */
import * as mini from 'zod/mini';

export * from 'zod/mini';
// Objects compiled to a fast path where eval is allowed, as classic zod's are (zod-object.ts).
export { object } from './zod-object.ts';

mini.config(mini.locales.en());
