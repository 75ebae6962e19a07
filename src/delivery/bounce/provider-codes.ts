import type { Reason } from '../reasons';

/**
 * Orange (orange.fr, wanadoo.fr) and La Poste (laposte.net) end each refusal
 * with a reference such as `OFR006_102`, `OFR_416 [416]`, `LPN007_420` or
 * `LPNAAA_101`: its last three digits name the cause more surely than the
 * words, which are a fixed French/English text often shared by several codes
 * ("Service refusé. Veuillez essayer plus tard" is a block list, a rate or a
 * fault depending on the code). From the providers' published postmaster
 * code lists. Codes left out (105, 107–109, 201, 423, 424, 513) are generic
 * "try later" replies: the words and status decide.
 */
const ORANGE_LA_POSTE: Record<string, Reason> = {
  '101': 'blocked', // IP on a block list (Spamhaus…)
  '102': 'blocked', // source IP blocked for spam
  '103': 'blocked', // service refused to this IP
  '104': 'rate-limited', // too many connections
  '305': 'policy-violation', // invalid SMTP authentication
  '401': 'auth-failure', // SPF: not allowed to send
  '402': 'policy-violation', // authentication required
  '403': 'rejected', // invalid sender
  '405': 'rejected',
  '415': 'rejected',
  '416': 'user-unknown', // invalid recipient
  '417': 'mailbox-full', // recipient over quota
  '420': 'suspended', // archived mailbox
  '421': 'rejected', // MAIL FROM not owned by the user
  '426': 'suspended', // recipient account blocked
  '505': 'system-error', // temporary refusal after DATA
  '506': 'spam-detected', // message rejected as spam
  '510': 'blocked',
  '514': 'message-too-big',
  '517': 'auth-failure', // DMARC verification failed
  '630': 'blocked', // client host rejected
  '999': 'blocked',
};

const ORANGE_LA_POSTE_REF = /\b(?:LPNAAA|LPN|OFR|OUK)(?:\d{3})?[-_]?(\d{3})\b/i;

/** The reason a provider's own reference code gives, if the words carry one. */
export function providerCodeReason(text: string): Reason | null {
  const code = ORANGE_LA_POSTE_REF.exec(text)?.[1];
  return code ? (ORANGE_LA_POSTE[code] ?? null) : null;
}
