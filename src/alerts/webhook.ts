import crypto from 'node:crypto';
import { guardedRequest } from '../net/guarded';

/**
 * Alert webhooks are JSON POSTs signed with HMAC-SHA256 over the exact body:
 * `X-Mailroom-Signature: sha256=<hex>`. Receivers recompute it with the shared
 * secret and compare in constant time.
 */
export const SIGNATURE_HEADER = 'X-Mailroom-Signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export interface WebhookPayload {
  type: 'message.failed' | 'message.bounced' | 'message.complaint' | 'sending.authentication-failed' | 'test';
  organizationId: string;
  messageId: string | null;
  rfc822MessageId: string | null;
  recipient: string | null;
  status: string;
  reason: string | null;
  /** Reason key from the reasons table (src/delivery/reasons.ts), and whether it means the address is dead. */
  bounceReason?: string | null;
  deadAddress?: boolean;
  subject: string | null;
  related: { type: string; id: string } | null;
  occurredAt: string;
}

export async function postWebhook(url: string, secret: string | null, payload: WebhookPayload, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Mailroom-Webhook/1', 'X-Mailroom-Event': payload.type };
  if (secret) headers[SIGNATURE_HEADER] = signBody(secret, body);
  // Through the outbound policy; redirects are not followed (a 3xx is not a 2xx: the alert is retried).
  const res = await guardedRequest(url, { method: 'POST', headers, body, timeoutMs });
  return { status: res.status, body: res.text.slice(0, 500) };
}
