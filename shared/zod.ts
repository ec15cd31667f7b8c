/**
 * The schema library for everything in shared/ (the wire contract, settings, transcript payloads):
 * zod's tree-shakable "mini" API, so the window's first script carries only the checks it uses
 * (issue 13 size goal: classic zod's chained methods keep every string format and the JSON Schema
 * converter in the bundle, ~16 kB gzip more). Checks and error messages are the same as classic
 * zod's: both run zod's core, and English messages are configured here once, as classic does on
 * its first schema.
 */
import * as z from 'zod/mini';

z.config(z.locales.en());

export { z };
