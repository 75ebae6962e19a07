/**
 * The one table of delivery outcomes. Every recipient named in a delivery
 * report gets one of these reasons; what Mailroom does about it (flag the
 * member's address, alert staff about the sending set-up, stop non-essential
 * mail) follows from the reason's class, never from the raw status code.
 *
 * Only reasons that prove the address itself cannot receive mail are
 * `deadAddress` (RFC 3463 X.1.1 / X.1.2 / X.1.6, RFC 7505 null MX): a full
 * mailbox, a spam or block-list refusal, a policy or an authentication
 * failure of our own mail say nothing about the member's address.
 */
export type ReasonClass = 'dead-address' | 'temporary-or-policy' | 'delivered' | 'auto-reply' | 'complaint';

export interface ReasonInfo {
  deadAddress: boolean;
  class: ReasonClass;
  /** What staff read in the sent log and alerts. */
  label: string;
}

const dead = (label: string): ReasonInfo => ({ deadAddress: true, class: 'dead-address', label });
const soft = (label: string): ReasonInfo => ({ deadAddress: false, class: 'temporary-or-policy', label });

export const REASONS = {
  'user-unknown': dead('the mailbox does not exist'),
  'host-unknown': dead('the domain does not exist or has no mail server'),
  moved: dead('the address has moved'),
  'not-accepting-mail': dead('the domain accepts no mail (null MX)'),
  'mailbox-full': soft('the mailbox is full'),
  'message-too-big': soft('the message is too big'),
  filtered: soft('refused by a filter of the recipient'),
  blocked: soft('our sending IP or domain is blocked (reputation, block list)'),
  'spam-detected': soft('the message was taken for spam'),
  'policy-violation': soft('refused by the receiving server’s policy'),
  'auth-failure': soft('our mail failed SPF/DKIM/DMARC authentication'),
  rejected: soft('the sender address was refused'),
  expired: soft('not delivered in time, the server gave up'),
  'system-error': soft('error on the receiving server'),
  'network-error': soft('network or DNS error on the way'),
  'rate-limited': soft('too many messages or connections'),
  suspended: soft('the mailbox is suspended or disabled'),
  delayed: soft('delivery delayed, still being retried'),
  undetermined: soft('failure of undetermined cause'),
  delivered: { deadAddress: false, class: 'delivered', label: 'delivered' },
  'out-of-office': { deadAddress: false, class: 'auto-reply', label: 'automatic reply (out of office)' },
  complaint: { deadAddress: false, class: 'complaint', label: 'the recipient reported the message as spam' },
} as const satisfies Record<string, ReasonInfo>;

export type Reason = keyof typeof REASONS;
export const REASON_KEYS = Object.keys(REASONS) as [Reason, ...Reason[]];

export const isReason = (v: unknown): v is Reason => typeof v === 'string' && Object.prototype.hasOwnProperty.call(REASONS, v);
export const reasonInfo = (r: Reason): ReasonInfo => REASONS[r];
export const isDeadAddress = (r: Reason): boolean => REASONS[r].deadAddress;

/**
 * Soft bounces that flag an address after all, as large senders do: this many
 * mailbox-full / suspended / undetermined failures in a row (no delivery in
 * between) spread over at least this many days.
 */
export const SOFT_BOUNCE_RULE = { count: 4, days: 21, reasons: ['mailbox-full', 'suspended', 'undetermined', 'expired'] as Reason[] } as const;

/**
 * Why a member's address is flagged invalid. The database keeps the English
 * sentence (built here, read back here); the API also gives its code and values
 * so the console words it in the reader's language, the server's own words
 * (`details`) shown as they came. A sentence written otherwise (older rows,
 * by hand) is OTHER with the text as `details`.
 */
export const ADDRESS_REASON_CODES = ['BOUNCE', 'SOFT_BOUNCES', 'OTHER'] as const;
export type AddressReasonCode = (typeof ADDRESS_REASON_CODES)[number];
export type AddressReasonParams = { reason?: Reason; count?: number; days?: number; details?: string };

const withWords = (reason: Reason, words?: string | null) => `${REASONS[reason].label}${words ? ` — ${words}` : ''}`;
/** A dead address: "the mailbox does not exist — 550 5.1.1 …". */
export const bounceInvalidText = (reason: Reason, words?: string | null): string => withWords(reason, words).slice(0, 1000);
/** Soft bounces in a row: "4 soft bounces in a row over 21 days (last: the mailbox is full — …)". */
export const softBouncesInvalidText = (count: number, days: number, reason: Reason, words?: string | null): string =>
  `${count} soft bounces in a row over ${days} days (last: ${withWords(reason, words)})`.slice(0, 1000);

function labelled(text: string): { reason: Reason; details?: string } | null {
  for (const reason of REASON_KEYS) {
    const label = REASONS[reason].label;
    if (text === label) return { reason };
    if (text.startsWith(`${label} — `)) return { reason, details: text.slice(label.length + 3) };
  }
  return null;
}

export function addressReasonCode(text: string | null): { code: AddressReasonCode; params: AddressReasonParams } | null {
  if (text === null) return null;
  const soft = /^(\d+) soft bounces in a row over (\d+) days \(last: ([\s\S]*)\)$/.exec(text);
  const last = soft ? labelled(soft[3]!) : null;
  if (soft && last) return { code: 'SOFT_BOUNCES', params: { count: Number(soft[1]), days: Number(soft[2]), ...last } };
  const bounce = labelled(text);
  if (bounce) return { code: 'BOUNCE', params: bounce };
  return { code: 'OTHER', params: { details: text } };
}
