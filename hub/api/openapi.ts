import { z } from 'zod';
import { ROLES } from '../auth/roles.js';
import type { Route } from './route.js';

const ERROR = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['INVALID_INPUT', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'CONFLICT'] },
        message: { type: 'string' },
        problems: { type: 'array', items: { type: 'object', properties: { row: { type: 'integer' }, field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

const CONTENT: Record<NonNullable<Route['produces']>, Record<string, unknown> | undefined> = {
  json: { 'application/json': {} },
  file: { 'application/json': {}, 'text/csv': {}, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {}, 'application/pdf': {}, 'text/html': {}, 'application/x-tar': {} },
  html: { 'text/html': {} },
  'event-stream': { 'text/event-stream': {} },
  text: { 'text/plain': {} },
  none: undefined,
};

/**
 * The API as an OpenAPI 3.1 document, written from the route table itself: every route, who may
 * call it (`x-roles`, and the security schemes), its path and query parameters and its body's
 * JSON Schema. The table is what the server serves, so the document cannot drift from it.
 */
export function openApiDocument(routes: readonly Route[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries(r.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: !description.includes('optional') && !description.includes('default'), description, schema: { type: 'string' } }));
    const content = CONTENT[r.produces ?? 'json'];
    const ok = r.produces === 'none' ? { 204: { description: 'Done' } } : { 200: { description: 'OK', content } };
    const operation: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      'x-roles': r.access === 'public' ? [] : r.access === 'signed-in' ? [...ROLES] : [...r.access],
      security: r.access === 'public' ? [] : [{ session: [] }, { token: [] }],
      parameters: [...params, ...query],
      responses: {
        ...ok,
        ...(r.body === undefined && query.length === 0 && params.length === 0 ? {} : { 400: errorResponse('The request does not fit (the problem and field are named)') }),
        ...(r.access === 'public' ? {} : { 401: errorResponse('Not signed in, or the session expired'), 403: errorResponse('The role does not allow this, or the CSRF token is missing') }),
        ...(params.length > 0 ? { 404: errorResponse('No such record') } : {}),
      },
    };
    if (r.body !== undefined) operation.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { unrepresentable: 'any', io: 'input' }) } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'rollcall hub API',
      version,
      description: 'Reports, cases, notices and terminal health. Sign in with POST /api/v1/session; send the returned csrfToken as x-csrf-token on every POST and DELETE. Integrations use the bearer token of api.tokenFile instead.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'rollcall_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: ERROR },
    },
    paths,
  };
}

function errorResponse(description: string): unknown {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}
