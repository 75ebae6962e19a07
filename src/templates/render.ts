import { invalid, validationError, type FieldError } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
import type { TemplateContent, TemplateDefinition } from './types';

// A placeholder is `&` followed by a word. In HTML, `&word;` is a character
// entity (e.g. `&eacute;`), never a placeholder, hence the negative look-ahead.
const PLACEHOLDER = /&([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_;])/g;

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Refuses a template that uses a placeholder its key does not know, listing the valid ones. */
/** `at`: where the content sits in the request (`body.`, `body.draft.`), so a refusal names the field. */
export function validateTemplate(def: TemplateDefinition, content: TemplateContent, at = ''): void {
  const valid = Object.keys(def.placeholders);
  const errors: FieldError[] = [];
  for (const field of ['subject', 'text', 'html'] as const) {
    const value = content[field];
    if (!value) continue;
    const unknown = [...new Set(placeholdersIn(value).filter((p) => !valid.includes(p)))];
    if (unknown.length) {
      errors.push(fieldError(`${at}${field}`, 'UNKNOWN_PLACEHOLDER', { unknown: unknown.map((u) => `&${u}`).join(', '), valid: valid.map((v) => `&${v}`).join(', ') || 'none' }));
    }
  }
  if (errors.length) throw invalid(errors);
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function fill(text: string, data: Record<string, unknown>, valid: Set<string>, html: boolean): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (!valid.has(name)) return whole;
    const value = data[name];
    const str = value === undefined || value === null ? '' : String(value);
    return html ? escapeHtml(str) : str;
  });
}

export interface RenderedMail {
  subject: string;
  text: string;
  html?: string;
}

export function renderTemplate(def: TemplateDefinition, content: TemplateContent, data: Record<string, unknown>): RenderedMail {
  const valid = new Set(Object.keys(def.placeholders));
  // A line break in a subject would start a new header (RFC 5322 §2.2): fold it to a space.
  const subject = fill(content.subject, data, valid, false).replace(/[\r\n]+/g, ' ').trim();
  const text = fill(content.text, data, valid, false);
  const html = content.html ? fill(content.html, data, valid, true) : undefined;
  return { subject, text, html };
}

export function requireTemplate(registry: Map<string, TemplateDefinition>, key: string): TemplateDefinition {
  const def = registry.get(key);
  if (!def) throw validationError('template', 'UNKNOWN_TEMPLATE', { key, known: [...registry.keys()].join(', ') });
  return def;
}
