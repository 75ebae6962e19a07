/** RFC 9457 problem details as the API sends them (see src/api/problem.ts). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; reason: string }[];
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
