import i18n from '../../i18n';
import type { Problem } from '../../api/problem';

/**
 * The API's problems and recorded failures in the reader's language: each carries a stable
 * code and values (src/shared/errors.ts, problem-details.ts, field-reasons.ts on the server),
 * worded here; the API's English text is shown only for a code this console does not know.
 * Plain functions (not hooks), so form helpers and toasts can use them too.
 */
type Params = Record<string, string | number>;
export type FieldError = { field: string; reason: string; code?: string; params?: Params };

const NS = 'problems';
const has = (key: string) => i18n.exists(`${NS}:${key}`);
const say = (key: string, params: Params = {}) => i18n.t(`${NS}:${key}`, words(params)) as string;

/** Values that are themselves codes (a status, a role, a type) are worded too; a number is also the plural count. */
function words(params: Params): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' && has(`values.${k}.${v}`) ? (i18n.t(`${NS}:values.${k}.${v}`) as string) : v;
  const count = params.count ?? params.minimum ?? params.maximum;
  if (typeof count === 'number') out.count = count;
  return out;
}

/** The problem's kind, from its error-table code. */
export function problemTitle(p: Problem): string {
  if (p.code && has(`code.${p.code}.title`)) return say(`code.${p.code}.title`);
  return p.title ?? (i18n.t('ui:error') as string);
}

/**
 * What happened: the situation's code worded with its values; else the kind's own sentence
 * (none when field errors say it); the API's words for a code unknown here.
 */
export function problemDetail(p: Problem): string | null {
  const params = (p.params ?? {}) as Params;
  if (typeof p.detailCode === 'string') return has(`detail.${p.detailCode}`) ? say(`detail.${p.detailCode}`, params) : (p.detail ?? null);
  if (p.code && has(`code.${p.code}.detail`)) return p.errors?.length ? null : say(`code.${p.code}.detail`);
  return p.detail ?? null;
}

/** One line for a toast: what happened, else the kind. */
export const problemMessage = (p: Problem): string => problemDetail(p) ?? problemTitle(p);

/** Why a field was refused, from its reason code and values; the API's words for OTHER or a code unknown here. */
export function fieldReason(e: FieldError): string {
  if (e.code && e.code !== 'OTHER' && (has(`field.${e.code}`) || has(`field.${e.code}_other`))) return say(`field.${e.code}`, e.params ?? {});
  return e.reason;
}

/**
 * A failure the engine recorded (a message's last error, an invoice item's error): a
 * situation, an error-table code, or the reason a refused field gave (with the field).
 */
export function failureText(code: string, params: Params): string {
  if (has(`detail.${code}`)) return say(`detail.${code}`, params);
  if (has(`code.${code}.detail`)) return say(`code.${code}.detail`);
  if (has(`field.${code}`) || has(`field.${code}_other`)) {
    const reason = say(`field.${code}`, params);
    return typeof params.field === 'string' ? say('fieldError', { field: params.field, reason }) : reason;
  }
  return String(params.detail ?? params.response ?? code);
}

/** The words a failure carries as they came (the server's reply, a technical detail), shown under its explanation. */
export function failureWords(params: Params | null | undefined): string | null {
  const w = params?.response ?? params?.detail;
  return typeof w === 'string' && w ? w : null;
}
