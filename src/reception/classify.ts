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
  if (contentType.startsWith('multipart/report')) return 'delivery report (multipart/report)';
  const auto = get('auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return `automatic message (Auto-Submitted: ${auto})`;
  const precedence = get('precedence').toLowerCase();
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) return `list or bulk mail (Precedence: ${precedence})`;
  if (headers.has('list-id')) return 'mailing-list message (List-Id)';
  if (headers.has('x-loop')) return 'looping automatic message (X-Loop)';
  if (headers.has('x-auto-response-suppress')) return 'automatic message (X-Auto-Response-Suppress)';
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) return 'delivery report (mailer daemon)';
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
