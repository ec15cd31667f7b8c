/**
 * What the agent loop needs to know about a tool: how to describe it to the model, how it may touch
 * the world (its effect decides whether an interrupted call blocks auto-resume, L20), whether it
 * needs the user's approval by default, and how to run it.
 *
 * Tools never throw at the agent loop: model-supplied arguments are untrusted, so bad arguments and
 * failures come back as `{ isError: true }` outcomes the model can read and correct.
 */
import { z } from 'zod';
import type { ToolApprovalMode } from '../../../../shared/settings.ts';
import type { ToolEffect, ToolResultDetails } from '../../../../shared/transcript.ts';
import { describeError } from '../../../../shared/errors.ts';

export interface ToolRunContext {
  /** Aborted by a hard interrupt (drain deadline, L11): the tool must stop at once. */
  signal: AbortSignal;
  /** The folder the tool works in; file tools are confined to it. */
  workspaceDir: string;
  /**
   * Issue 10: progress a person can watch while the tool runs (a command's stdout and stderr, in
   * the order they came). Recorded with the turn's streamed text (L26); the model still gets only
   * the outcome. Absent where nobody watches.
   */
  output?: (stream: ToolOutputChannel, chunk: string) => void;
}

export type ToolOutputChannel = 'stdout' | 'stderr';

export interface ToolOutcome {
  output: string;
  isError: boolean;
  /** Issue 10: facts for the tool's card (exit code, a diff), beside the text the model reads. */
  details?: ToolResultDetails;
}

/** The part of a tool the model sees (providers send it in their own wire format). */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments object, as sent to the model. */
  parameters: Record<string, unknown>;
}

export interface Tool extends ToolSpec {
  effect: ToolEffect;
  defaultApproval: ToolApprovalMode;
  run(args: unknown, context: ToolRunContext): Promise<ToolOutcome>;
}

/** Anything that can change the world (or restart Baton) asks first; reading is safe to allow. */
export function defaultApprovalFor(effect: ToolEffect): ToolApprovalMode {
  return effect === 'read-only' ? 'auto' : 'ask';
}

export interface ToolDefinition<S extends z.ZodType> {
  name: string;
  description: string;
  schema: S;
  effect: ToolEffect;
  defaultApproval?: ToolApprovalMode;
  run(args: z.output<S>, context: ToolRunContext): Promise<ToolOutcome>;
}

/**
 * Builds a Tool whose JSON schema and validation come from one zod schema, so what the model is
 * told and what is accepted cannot drift apart.
 */
export function defineTool<S extends z.ZodType>(definition: ToolDefinition<S>): Tool {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(definition.schema, { io: 'input' }) as Record<string, unknown>;
  return {
    name: definition.name,
    description: definition.description,
    parameters,
    effect: definition.effect,
    defaultApproval: definition.defaultApproval ?? defaultApprovalFor(definition.effect),
    async run(args, context) {
      const parsed = definition.schema.safeParse(args);
      if (!parsed.success) {
        return { isError: true, output: `Invalid arguments for ${definition.name}:\n${z.prettifyError(parsed.error)}` };
      }
      try {
        return await definition.run(parsed.data, context);
      } catch (error) {
        return { isError: true, output: `${definition.name} failed: ${describeError(error)}` };
      }
    },
  };
}

export function toToolSpec(tool: Tool): ToolSpec {
  return { name: tool.name, description: tool.description, parameters: tool.parameters };
}

export function toolSpecs(tools: Iterable<Tool>): ToolSpec[] {
  return Array.from(tools, toToolSpec);
}

export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool> = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Names are how the model calls tools, so a duplicate would silently shadow one of them. */
  register(tool: Tool): void {
    if (this.#tools.has(tool.name)) throw new Error(`A tool named "${tool.name}" is already registered`);
    this.#tools.set(tool.name, tool);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  list(): Tool[] {
    return [...this.#tools.values()];
  }

  specs(): ToolSpec[] {
    return toolSpecs(this.#tools.values());
  }

  /** A model may call a tool that does not exist; that is its mistake to read, not a crash. */
  async run(name: string, args: unknown, context: ToolRunContext): Promise<ToolOutcome> {
    const tool = this.#tools.get(name);
    if (!tool) {
      const known = [...this.#tools.keys()].join(', ') || 'none';
      return { isError: true, output: `Unknown tool "${name}". Available tools: ${known}.` };
    }
    return tool.run(args, context);
  }
}
