import { AppError } from '../shared/errors';

/** Which part of reception failed: the mail server, the database, the document storage, or reading the mail. */
export type FailureKind = 'imap' | 'database' | 'storage' | 'parse';

/**
 * A reception failure that says truthfully where it happened and, when it is
 * about one message, which one (UID, Message-ID), so the mailbox status can
 * name the message in trouble instead of blaming the connection.
 */
export class ReceptionFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly where: { uid?: number; messageId?: string | null } = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ReceptionFailure';
  }

  toAppError(): AppError {
    const code = this.kind === 'database' ? 'RECEPTION_DATABASE' : this.kind === 'storage' ? 'RECEPTION_STORAGE' : 'IMAP_CONNECTION';
    return new AppError(code, this.describe(), { cause: this, extra: { kind: this.kind, uid: this.where.uid ?? null, messageId: this.where.messageId ?? null } });
  }

  /** "database: UID 42 (Message-ID <a@b>): …" */
  describe(): string {
    const who = this.where.uid !== undefined ? ` UID ${this.where.uid}${this.where.messageId ? ` (Message-ID ${this.where.messageId})` : ''}:` : '';
    return `${LABEL[this.kind]}:${who} ${this.message}`;
  }
}

const LABEL: Record<FailureKind, string> = { imap: 'mail server', database: 'database', storage: 'document storage', parse: 'reading the mail' };

/** Runs a step and tags what it throws with its kind (and message), leaving an already tagged failure as it is. */
export async function tagged<T>(kind: FailureKind, where: ReceptionFailure['where'], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof ReceptionFailure) throw err;
    throw new ReceptionFailure(kind, firstLine(err), where, { cause: err });
  }
}

/** The first line of an error's message: database drivers append the whole statement. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.trim().split('\n').filter(Boolean).pop()?.slice(0, 500) ?? 'unknown error';
}
