import { z } from 'zod';
import { AgentConfigSchema } from './schema.js';

/** Where the committed schema lives, relative to the repository root. */
export const JSON_SCHEMA_FILE = 'agent/config/agent.schema.json';

/**
 * The JSON Schema of `agent.yaml`, generated from the same zod schema that validates it, for
 * editors (`# yaml-language-server: $schema=...`). It describes the file as written (defaults
 * shown, before parsing); rules across fields (unique names, at least one terminal) and file
 * checks are enforced only by the agent itself.
 */
export function agentConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AgentConfigSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'rollcall agent configuration',
    ...schema,
  };
}

/** The schema as the committed file holds it: two-space JSON with a final newline. */
export function agentConfigJsonSchemaText(): string {
  return `${JSON.stringify(agentConfigJsonSchema(), null, 2)}\n`;
}
