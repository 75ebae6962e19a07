/**
 * An English sentence with a stable code and named values: the API keeps the
 * sentence for integrators and logs, and also gives the code and the values so
 * the console says it in the reader's language. Each table entry builds its
 * sentence and reads it back (a sentence that comes back as text, e.g. a zod
 * message, is recognised again), so the two never drift.
 */
export type Params = Record<string, string | number>;
type Kind = 'number' | 'text';
type Values<K extends Record<string, Kind>> = { [k in keyof K]: K[k] extends 'number' ? number : string };

export interface CodedText<K extends Record<string, Kind> = Record<string, Kind>> {
  text: (p: Values<K>) => string;
  /** The values the sentence carries, and whether each is a number. */
  params: K;
}

/** One entry of a table: `coded((p) => \`${p.count} items\`, { count: 'number' })`. */
export function coded<K extends Record<string, Kind> = Record<never, Kind>>(text: (p: Values<K>) => string, params?: K): CodedText<K> {
  return { text, params: params ?? ({} as K) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The sentence with each value as a named group, built from the sentence itself. */
function pattern(entry: CodedText): RegExp {
  const marks = Object.fromEntries(Object.keys(entry.params).map((k) => [k, `\uE000${k}\uE001`]));
  const sample = entry.text(marks as never);
  const seen = new Set<string>();
  const source = escape(sample).replace(/\uE000(\w+)\uE001/g, (_m, k: string) => {
    // A value said twice is the same value the second time.
    if (seen.has(k)) return `\\k<${k}>`;
    seen.add(k);
    return entry.params[k] === 'number' ? `(?<${k}>-?\\d+(?:\\.\\d+)?)` : `(?<${k}>[\\s\\S]*?)`;
  });
  return new RegExp(`^${source}$`);
}

const MAX_READ = 1000;

/** Reads sentences of one table back as code and values. */
export function reader<T extends Record<string, CodedText<any>>>(table: T): (text: string) => { code: keyof T & string; params: Params } | null {
  const compiled = Object.entries(table).map(([code, entry]) => ({ code, entry, re: pattern(entry) }));
  return (text) => {
    // Our sentences are short; a long text (a server's whole reply) is not read with patterns whose backtracking grows with it.
    if (text.length > MAX_READ) return null;
    for (const { code, entry, re } of compiled) {
      const m = re.exec(text);
      if (!m) continue;
      const params: Params = {};
      for (const [k, kind] of Object.entries(entry.params)) params[k] = kind === 'number' ? Number(m.groups![k]) : m.groups![k]!;
      return { code, params };
    }
    return null;
  };
}

/** The English sentence of one entry. */
export function sentence<T extends Record<string, CodedText<any>>, C extends keyof T>(table: T, code: C, params: Parameters<T[C]['text']>[0]): string {
  return (table[code]!.text as (p: unknown) => string)(params);
}
