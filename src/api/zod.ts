import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// One zod instance with `.openapi()` for every route schema, so the same
// schemas validate requests and describe them in /api/openapi.json.
extendZodWithOpenApi(z);

export { z };

export const idParam = z.object({ id: z.string().min(1).max(100) });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ description: '1-based page number' }),
  pageSize: z.coerce.number().int().min(1).max(100).default(10).openapi({ description: 'items per page (default 10)' }),
});

export function pagedSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const paging = (q: { page: number; pageSize: number }) => ({ skip: (q.page - 1) * q.pageSize, take: q.pageSize });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem');
