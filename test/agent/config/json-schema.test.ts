import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentConfigJsonSchema, agentConfigJsonSchemaText, JSON_SCHEMA_FILE } from '../../../agent/config/json-schema.js';

const ROOT = new URL('../../../', import.meta.url);

describe('the JSON Schema for editors', () => {
  it('the committed agent.schema.json is generated from the current zod schema', () => {
    const committed = readFileSync(fileURLToPath(new URL(JSON_SCHEMA_FILE, ROOT)), 'utf8');
    expect(
      committed === agentConfigJsonSchemaText(),
      `${JSON_SCHEMA_FILE} is stale: the zod schema in agent/config/schema.ts changed. Regenerate it with\n  npm run build && npx rollcall agent schema > ${JSON_SCHEMA_FILE}\nand commit it.`,
    ).toBe(true);
  });

  it('describes the file as written: strict objects, defaults, required keys', () => {
    const schema = agentConfigJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; description?: string; properties?: Record<string, { default?: unknown; pattern?: string }> }>;
    };
    expect(schema.required).toEqual(['site', 'gateway', 'utcOffset', 'broker']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.logLevel?.default).toBe('info');
    expect(schema.properties.publish?.properties?.batchSize?.default).toBe(500);
    expect(schema.properties.broker?.properties?.url?.pattern).toBe('^(mqtts?|wss?|tcp|ssl)://');
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
  });

  it('the example configuration points editors at the schema', () => {
    const example = readFileSync(fileURLToPath(new URL('fixtures/agent.example.yaml', ROOT)), 'utf8');
    expect(example.split('\n')[0]).toBe(`# yaml-language-server: $schema=../${JSON_SCHEMA_FILE}`);
  });
});
