/**
 * zod objects on the plain path, for the window's build (renderer/vite.config.ts puts this module
 * in place of zod-object.ts): its CSP forbids eval, so the compiled path could never run there.
 */
export { object } from 'zod/mini';
