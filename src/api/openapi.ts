import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { SESSION_COOKIE } from '../shared/auth';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'An API key created with `npm run mailroom -- key:create`' });
  registry.registerComponent('securitySchemes', 'cookieAuth', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The staff console session (POST /api/v1/auth/login); writes also need the X-CSRF-Token header' });
  return registry;
}

export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  return documentNoNul(new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Mailroom API',
      version: '1.0.0',
      description: 'Email back office for member-based organisations. Errors are RFC 9457 problem+json; lists are paged with `?page=` (10 a page).',
    },
    servers: [{ url: '/' }],
  }));
}

/** What every request string must match: PostgreSQL text holds no U+0000 (src/api/router.ts refuses it). */
const NO_NUL = '^[^\\u0000]*$';
type Node = Record<string, unknown>;

/**
 * Says in the document what the router enforces for every input: no NUL in any string a request
 * carries (parameters, bodies, the keys of free-form objects). Strings already bounded by a
 * pattern, a format or a list of values need no more.
 */
function documentNoNul<D extends { paths?: unknown; components?: unknown }>(doc: D): D {
  const components = ((doc.components as Node | undefined)?.schemas ?? {}) as Record<string, Node>;
  const seen = new Set<Node>();
  const visit = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object' || seen.has(schema as Node)) return;
    const node = schema as Node;
    seen.add(node);
    if (typeof node.$ref === 'string') visit(components[node.$ref.replace('#/components/schemas/', '')]);
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('string') && !node.pattern && !node.format && !node.enum && node.const === undefined) node.pattern = NO_NUL;
    // A free-form object's keys are request strings too (a record's values have a schema, its keys none).
    if (node.additionalProperties && typeof node.additionalProperties === 'object' && !node.propertyNames) node.propertyNames = { type: 'string', pattern: NO_NUL };
    for (const key of ['items', 'additionalProperties', 'propertyNames']) visit(node[key]);
    for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) for (const s of (node[key] as unknown[] | undefined) ?? []) visit(s);
    for (const s of Object.values((node.properties as Node | undefined) ?? {})) visit(s);
  };
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Record<string, Node>>)) {
    for (const op of Object.values(item)) {
      for (const p of (op.parameters as Node[] | undefined) ?? []) visit(p.schema);
      for (const media of Object.values(((op.requestBody as Node | undefined)?.content ?? {}) as Record<string, Node>)) visit(media.schema);
    }
  }
  return doc;
}

/** A self-contained Swagger UI page: assets come from the swagger-ui-dist package, not a CDN. */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mailroom API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui' });`;
