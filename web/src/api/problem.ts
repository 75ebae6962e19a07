/**
 * RFC 9457 problem details as the API sends them (see src/api/problem.ts): `code` says the kind,
 * `detailCode` and `params` the situation, each field error its reason `code` and `params`
 * (worded by ui/problems; the English `title`, `detail` and `reason` are for a code unknown here).
 */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  detailCode?: string;
  params?: Record<string, string | number>;
  errors?: { field: string; reason: string; code?: string; params?: Record<string, string | number> }[];
  [extra: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? 'Error');
  }
}

export function asProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error && typeof error === 'object' && ('title' in error || 'detail' in error || 'code' in error)) return error as Problem;
  if (error instanceof Error) return { detail: error.message };
  if (typeof error === 'string') return { detail: error };
  return {};
}

/** `body.smtp.host` → `smtp.host`: the API names fields with where they came from. */
export const formField = (field: string) => field.replace(/^(body|query|path)\./, '');

/**
 * An openapi-fetch result's data, or its problem+json thrown as a ProblemError (with the HTTP
 * status, which 401/429 handling and forms need).
 */
export function unwrap<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) throw new ProblemError({ status: r.response.status, ...(typeof r.error === 'object' ? (r.error as Problem) : { detail: String(r.error ?? '') }) });
  return r.data as T;
}
