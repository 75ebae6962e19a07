/**
 * The CLI's HTTP client: JSON in and out, and every failure turned into one
 * readable line — the API's problem+json (title, detail, field errors) or why
 * the service could not be reached.
 */
export class CliError extends Error {}

export interface ApiClient {
  readonly url: string;
  get<T = unknown>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown): Promise<T>;
  delete<T = unknown>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
}

interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; reason: string }[];
}

/** `422 Validation failed: body.period: …` — one line, whatever the problem holds. */
export function problemLine(status: number, body: unknown): string {
  const p = (body && typeof body === 'object' ? body : {}) as Problem;
  const detail = p.errors?.length ? p.errors.map((e) => `${e.field}: ${e.reason}`).join('; ') : p.detail;
  const text = [p.title ?? `HTTP ${status}`, detail && detail !== p.title ? detail : undefined].filter(Boolean).join(': ');
  return `${status} ${text}`.replace(/\s*\n\s*/g, ' ');
}

export function createApiClient(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): ApiClient {
  const url = baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, opts: { body?: unknown; query?: Record<string, string | number | undefined> } = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
    const target = `${url}/api/v1${path}${qs.size ? `?${qs}` : ''}`;
    let res: Response;
    try {
      res = await fetchImpl(target, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json, application/problem+json', ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach Mailroom at ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (a proxy's error page): shown as the status only
    }
    if (!res.ok) throw new CliError(problemLine(res.status, body));
    return body as T;
  }
  return {
    url,
    get: (path, query) => call('GET', path, { query }),
    post: (path, body) => call('POST', path, { body: body ?? {} }),
    patch: (path, body) => call('PATCH', path, { body: body ?? {} }),
    delete: (path, query) => call('DELETE', path, { query }),
  };
}
