/** The API as the tests see it: handlers by method and path, every request recorded. */
type Handler = (req: Request, body: unknown) => Response | Promise<Response>;

const handlers = new Map<string, Handler>();
export const requests: { method: string; path: string; body: unknown }[] = [];

export function resetApi(): void {
  handlers.clear();
  requests.length = 0;
}

/** `onApi('POST /api/v1/auth/password-reset', () => json(202, {}))`. */
export function onApi(route: string, handler: Handler): void {
  handlers.set(route, handler);
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });

/** A 422 as the API sends it: the field named with where it came from (`body.email`). */
export const invalid = (...errors: [field: string, reason: string][]) =>
  json(422, { type: 'about:blank', title: 'Invalid request', status: 422, code: 'VALIDATION_FAILED', errors: errors.map(([field, reason]) => ({ field, reason })) });

export async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const req = new Request(input, init);
  const path = new URL(req.url).pathname;
  const text = await req.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  requests.push({ method: req.method, path, body });
  const handler = handlers.get(`${req.method} ${path}`);
  return handler ? handler(req, body) : json(404, { title: 'Not found', status: 404, detail: `no test handler for ${req.method} ${path}` });
}
