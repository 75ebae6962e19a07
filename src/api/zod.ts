import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MEDIA_TYPE } from '../documents/safe-name';
import { templateRegistry } from '../templates/registry';
import { isEmailAddress, parseAddress } from '../mail/addresses';
import { ERROR_CODES, type ErrorCode } from '../shared/errors';
import { FIELD_REASON_CODES, fieldReasonText } from '../shared/field-reasons';
import { DETAIL_CODES } from '../shared/problem-details';

// One zod instance with `.openapi()` for every route schema, so the same
// schemas validate requests and describe them in /api/openapi.json.
extendZodWithOpenApi(z);

export { z };

/**
 * Every stored row's id is a UUID (v7, prisma/schema.prisma): a malformed one is
 * refused naming the field instead of being looked up. Any 8-4-4-4-12 hex form
 * is accepted (not only RFC 9562 versions), as PostgreSQL's own uuid type does.
 */
export const uuid = () => z.guid(fieldReasonText('NOT_UUID')).openapi({ description: 'a UUID', pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' });

/** A recipient: an address, or `Name <address>` as people write it (documented as an email, the plain form). */
export const recipient = () =>
  z
    .string()
    .min(3)
    .max(320)
    .refine((v) => parseAddress(v) !== null, fieldReasonText('EMAIL'))
    .openapi({ format: 'email', description: 'an address, or "Name <address>"' });

/** A bare address (sign-in, invitations, an organisation's admin): trimmed, as isEmailAddress says. */
export const emailAddress = () => z.string().trim().max(254).refine(isEmailAddress, fieldReasonText('EMAIL')).openapi({ format: 'email' });
export const idParam = z.object({ id: uuid() });

/** Base64 as clients write it (RFC 4648 §4, line breaks admitted); Buffer decodes it. */
export const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

/** The templates are the product's own (src/templates/registry.ts): any other key is no template, and the document lists them. */
const TEMPLATE_KEYS = [...templateRegistry.keys()] as [string, ...string[]];
export const templateKey = () => z.enum(TEMPLATE_KEYS);

/**
 * Template data: placeholder name → value, at most 64 KB. A placeholder is one word and its value
 * is written as text, so values are scalars (an object would have been written "[object Object]").
 */
export const TEMPLATE_DATA_MAX_BYTES = 64 * 1024;
export const templateData = () =>
  z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .refine((d) => Buffer.byteLength(JSON.stringify(d)) <= TEMPLATE_DATA_MAX_BYTES, fieldReasonText('TEMPLATE_DATA_TOO_BIG', { kb: TEMPLATE_DATA_MAX_BYTES / 1024 }))
    .openapi({
      description: `placeholder values (JSON object of texts, numbers, booleans or nulls, at most ${TEMPLATE_DATA_MAX_BYTES / 1024} KB; names not used by the template are ignored)`,
    });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({ description: '1-based page number' }),
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
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).openapi({ description: 'what kind of problem, as a stable code of the error table (its `title` in English)' }),
    detailCode: z.enum(DETAIL_CODES).optional().openapi({ description: 'which situation, as a stable code (with `params`): what `detail` says in English, for a client to word in its own language' }),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional().openapi({ description: 'the values `detailCode` is worded with' }),
    errors: z
      .array(
        z.object({
          field: z.string().openapi({ description: 'dotted path of the refused input, e.g. body.emails.0.address' }),
          reason: z.string().openapi({ description: 'why, in English' }),
          code: z.enum(FIELD_REASON_CODES).openapi({ description: 'why, as a stable code: REQUIRED, TOO_SHORT (minimum), TOO_LONG (maximum), TOO_SMALL/TOO_BIG (minimum/maximum), BAD_FORMAT (format), NOT_ONE_OF (values)… or one of Mailroom’s own reasons; OTHER (detail) for a reason without a code' }),
          params: z.record(z.string(), z.union([z.string(), z.number()])).openapi({ description: 'the values of `code` (minimum, maximum, format, values…)' }),
        }),
      )
      .optional(),
  })
  .openapi('Problem');

/*
 * Bounded building blocks: what a schema accepts is what the database holds,
 * and the OpenAPI document says so (the fuzzer in CI holds us to it).
 */

/** PostgreSQL int4, the type of every Int column. */
export const INT4_MAX = 2_147_483_647;

/** An amount of money stored as int4 cents: at most 21,474,836.47. */
export const money = (min = -INT4_MAX / 100) => z.number().min(Math.ceil(min * 100) / 100).max(Math.floor(INT4_MAX) / 100);

/** ISO 4217 codes the runtime knows (Intl), upper case. */
export const CURRENCIES = Intl.supportedValuesOf('currency') as [string, ...string[]];
export const currency = () => z.enum(CURRENCIES).openapi({ description: 'ISO 4217 currency code' });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}:?\d{2})?)?$/;
export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

/** Whether the day written exists (V8 reads 2026-02-30 as 2 March). */
function isCalendarDay(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(0);
  day.setUTCFullYear(y, m - 1, d);
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/**
 * An ISO 8601 date or date-time, years 1–9999: what RFC 3339 writes (four digits), less year 0,
 * which PostgreSQL does not have (1 BC comes before AD 1); "0.5" or "1e308" are not dates.
 */
export const isoDateTime = () =>
  z
    .string()
    .max(40)
    .regex(ISO_DATE, fieldReasonText('DATE_TIME'))
    .openapi({ format: 'date-time' })
    .transform((s, ctx) => {
      // In RFC 3339's own spelling (T, Z, +hh:mm), which V8 reads by the ISO rules; the other spellings
      // the pattern admits went to its legacy parser, which reads "0050-01-01 10:00" as 1950 and
      // "0013-01-01 10:00" as no date at all.
      const d = new Date(s.replace(' ', 'T').replace(/z$/, 'Z').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      const year = d.getUTCFullYear();
      if (!isCalendarDay(s)) {
        ctx.addIssue({ code: 'custom', message: fieldReasonText('DATE_TIME') });
        return z.NEVER;
      }
      if (Number.isNaN(d.getTime()) || year < MIN_YEAR || year > MAX_YEAR) {
        ctx.addIssue({ code: 'custom', message: fieldReasonText('DATE_OUT_OF_RANGE', { min: MIN_YEAR, max: MAX_YEAR }) });
        return z.NEVER;
      }
      return d;
    });

/** The IANA zones this runtime knows by their canonical names (aliases such as Europe/Kyiv are accepted too). */
const TIME_ZONES = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];

/** An IANA time zone Intl can format with; the document lists the canonical names. */
export const timeZone = () =>
  z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, fieldReasonText('TIME_ZONE'))
    .openapi({ enum: TIME_ZONES, description: 'IANA time zone, e.g. Europe/Paris' });

/** A BCP 47 language tag Intl can format with (fr, fr-FR, en-GB…). */
export const locale = () =>
  z
    .string()
    .min(2)
    .max(35)
    .refine((l) => {
      try {
        return Intl.getCanonicalLocales(l).length === 1;
      } catch {
        return false;
      }
    }, fieldReasonText('LANGUAGE_TAG'))
    // Documented as language[-script][-region] (RFC 5646 §2.1), the tags people use; variants are accepted too.
    .openapi({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$' });

export const contentType = () => z.string().min(3).max(200).regex(MEDIA_TYPE, fieldReasonText('MIME_TYPE'));
