/**
 * The one table of reasons a received mail is not filed on a member (unassigned,
 * kept aside as an automatic message, or quarantined). The database keeps the
 * English sentence (what operators read in SQL and logs); the API also gives
 * its stable code and values, so the console explains it in the user's language.
 * The sentence is built here and read back here, so the two never drift, and
 * rows stored before the codes existed get theirs too.
 */
export const RECEIVED_REASONS = {
  NO_SENDER: { text: () => 'the mail has no sender address', read: /^the mail has no sender address$/, keys: [] },
  SHARED_ADDRESS: { text: (p: { from: string; count: number }) => `${p.from} is shared by ${p.count} members`, read: /^(?<from>.*) is shared by (?<count>\d+) members$/, keys: ['from', 'count'] },
  UNKNOWN_SENDER: { text: (p: { from: string }) => `no member has the address ${p.from}`, read: /^no member has the address (?<from>.*)$/, keys: ['from'] },
  DELIVERY_REPORT: { text: () => 'delivery report (multipart/report)', read: /^delivery report \(multipart\/report\)$/, keys: [] },
  MAILER_DAEMON: { text: () => 'delivery report (mailer daemon)', read: /^delivery report \(mailer daemon\)$/, keys: [] },
  AUTO_SUBMITTED: { text: (p: { value: string }) => `automatic message (Auto-Submitted: ${p.value})`, read: /^automatic message \(Auto-Submitted: (?<value>.*)\)$/, keys: ['value'] },
  AUTO_RESPONSE_SUPPRESS: { text: () => 'automatic message (X-Auto-Response-Suppress)', read: /^automatic message \(X-Auto-Response-Suppress\)$/, keys: [] },
  BULK: { text: (p: { value: string }) => `list or bulk mail (Precedence: ${p.value})`, read: /^list or bulk mail \(Precedence: (?<value>.*)\)$/, keys: ['value'] },
  MAILING_LIST: { text: () => 'mailing-list message (List-Id)', read: /^mailing-list message \(List-Id\)$/, keys: [] },
  LOOP: { text: () => 'looping automatic message (X-Loop)', read: /^looping automatic message \(X-Loop\)$/, keys: [] },
  TOO_LARGE: { text: (p: { limitMb: number; size: number }) => `larger than the ${p.limitMb} MB limit (${p.size} bytes)`, read: /^larger than the (?<limitMb>\d+) MB limit \((?<size>\d+) bytes\)$/, keys: ['limitMb', 'size'] },
  PARSE_FAILED: { text: (p: { detail: string }) => `could not be parsed: ${p.detail}`, read: /^could not be parsed: (?<detail>[\s\S]*)$/, keys: ['detail'] },
  STORE_FAILED: { text: (p: { detail: string }) => `could not be stored: ${p.detail}`, read: /^could not be stored: (?<detail>[\s\S]*)$/, keys: ['detail'] },
} as const;

export type ReceivedReasonCode = keyof typeof RECEIVED_REASONS | 'OTHER';
export const RECEIVED_REASON_CODES = [...(Object.keys(RECEIVED_REASONS) as (keyof typeof RECEIVED_REASONS)[]), 'OTHER'] as const;

/** The English sentence stored for a reason. */
export function reasonText<C extends keyof typeof RECEIVED_REASONS>(code: C, params: Parameters<(typeof RECEIVED_REASONS)[C]['text']>[0]): string {
  return (RECEIVED_REASONS[code].text as (p: unknown) => string)(params);
}

/** A stored sentence read back as its code and values; one written by hand or an older version is OTHER with the text as `detail`. */
export function reasonCode(text: string | null): { code: ReceivedReasonCode; params: Record<string, string | number> } | null {
  if (text === null) return null;
  for (const [code, r] of Object.entries(RECEIVED_REASONS)) {
    const m = r.read.exec(text);
    if (!m) continue;
    const params: Record<string, string | number> = {};
    for (const key of r.keys) {
      const v = m.groups![key]!;
      params[key] = /^\d+$/.test(v) && key !== 'from' && key !== 'value' && key !== 'detail' ? Number(v) : v;
    }
    return { code: code as ReceivedReasonCode, params };
  }
  return { code: 'OTHER', params: { detail: text } };
}
