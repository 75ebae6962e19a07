import { reasonText } from './reasons';

/**
 * Mail that no person wrote is kept aside for delivery tracking rather than
 * filed on a member: auto-replies (RFC 3834 Auto-Submitted), list and bulk mail
 * (Precedence, List-Id, RFC 2369/2919), loops (X-Loop), Microsoft's
 * X-Auto-Response-Suppress, delivery reports (multipart/report, RFC 6522) and
 * mail from the mailer daemon.
 */
export function automatedReason(headers: Map<string, unknown>, from: string | null): string | null {
  const get = (name: string) => {
    const v = headers.get(name);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
    return String(v);
  };
  const contentType = get('content-type').toLowerCase();
  if (contentType.startsWith('multipart/report')) return reasonText('DELIVERY_REPORT', undefined);
  const auto = get('auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return reasonText('AUTO_SUBMITTED', { value: auto });
  const precedence = get('precedence').toLowerCase();
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) return reasonText('BULK', { value: precedence });
  if (headers.has('list-id')) return reasonText('MAILING_LIST', undefined);
  if (headers.has('x-loop')) return reasonText('LOOP', undefined);
  if (headers.has('x-auto-response-suppress')) return reasonText('AUTO_RESPONSE_SUPPRESS', undefined);
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) return reasonText('MAILER_DAEMON', undefined);
  return null;
}

/** Lower-case, accent-free text, so "certificat medical" finds "Certificat médical". */
export function searchable(...parts: (string | null | undefined)[]): string {
  return parts
    .filter(Boolean)
    .join(' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
