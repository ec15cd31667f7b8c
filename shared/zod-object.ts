/**
 * zod objects as classic zod builds them: compiled to a fast path where the platform allows eval
 * (the host, the CLI: a 5,000-row transcript page checks several times faster than on the plain
 * path). Where it does not — the window, whose CSP has no 'unsafe-eval' — zod finds that out once
 * and checks on the plain path, as classic zod did there.
 */
import * as mini from 'zod/mini';

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
