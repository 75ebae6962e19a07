import type { PrismaClient } from '../generated/prisma/client';
import type { Params } from '../shared/coded-text';
import { storedFailure, type AppError } from '../shared/errors';
import { detailText, readFailure } from '../shared/problem-details';

/** A sent message's last error columns for recipients refused at RCPT TO while the others were accepted (none: cleared). */
export function refusedColumns(rejected: string[]) {
  if (!rejected.length) return { lastError: null, lastErrorCode: null, lastErrorParams: null };
  const params = { addresses: rejected.join(', ') };
  return { lastError: detailText('RECIPIENTS_REFUSED', params), lastErrorCode: 'RECIPIENTS_REFUSED', lastErrorParams: params };
}

/**
 * The code of a message's final failure. The send workflow passes the words only: the code is
 * the failure's own when the caller has it, else the one the last attempt recorded with the
 * same words, else the words read back.
 */
export async function finalFailureCode(prisma: PrismaClient, sentEmailId: string, words: string, failure?: AppError): Promise<{ code: string; params: Params }> {
  if (failure) return storedFailure(failure);
  const before = await prisma.sentEmail.findUnique({ where: { id: sentEmailId }, select: { lastError: true, lastErrorCode: true, lastErrorParams: true } });
  if (before?.lastErrorCode && before.lastError === words) return { code: before.lastErrorCode, params: (before.lastErrorParams ?? {}) as Params };
  return readFailure(words);
}
