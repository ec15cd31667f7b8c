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

mini.config(mini.locales.en());

/**
 * Objects as classic zod builds them: compiled to a fast path where the platform allows eval (the
 * host, the CLI: a 5,000-row transcript page checks several times faster), the plain path where it
 * does not (the window's CSP has no 'unsafe-eval').
 */
const compiledObject: mini.core.$constructor<mini.core.$ZodObject> = mini.core.$ZodObjectJIT;
const miniObject: mini.core.$constructor<mini.ZodMiniObject> = mini.ZodMiniObject;
const ZodMiniObjectJIT: mini.core.$constructor<mini.ZodMiniObject> = mini.core.$constructor('ZodMiniObjectJIT', (inst, def) => {
  // The compiled trait first: the plain object trait it includes is then skipped by ZodMiniObject.
  compiledObject.init(inst, def);
  miniObject.init(inst, def);
});

export function object<T extends mini.core.$ZodLooseShape = Record<never, mini.core.SomeType>>(
  shape?: T,
  params?: string | mini.core.$ZodObjectParams,
): mini.ZodMiniObject<mini.core.util.Writeable<T>, mini.core.$strip> {
  return new ZodMiniObjectJIT(mini.object(shape, params)._zod.def) as mini.ZodMiniObject<mini.core.util.Writeable<T>, mini.core.$strip>;
}
