/**
 * The tools every agent gets. Kept apart from tool.ts so the tool contract does not depend on the
 * tools built on it.
 */
import { createFileTools, type FileToolOptions } from './files.ts';
import { createShellTool, type ShellToolOptions } from './shell.ts';
import { ToolRegistry, type Tool } from './tool.ts';

export interface BuiltinToolOptions {
  shell?: ShellToolOptions;
  files?: FileToolOptions;
}

export function builtinTools(options: BuiltinToolOptions = {}): Tool[] {
  return [createShellTool(options.shell), ...createFileTools(options.files)];
}

export function createBuiltinToolRegistry(options: BuiltinToolOptions = {}): ToolRegistry {
  return new ToolRegistry(builtinTools(options));
}
