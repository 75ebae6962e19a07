import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Document, PrismaClient, SentEmail } from '../generated/prisma/client';
import { Prisma } from '../generated/prisma/client';
import type { SecretBox } from '../secrets';
import { AppError, invalid, notFound } from '../shared/errors';
import { FieldError, fieldError } from '../shared/field-reasons';
import { renderTemplate } from '../templates/render';
import { resolveTemplate } from '../templates/resolve';
import { formatAddress, parseAddress } from './addresses';
import type { AttachmentRef } from './compose';
import { resolveSenderAccount, type PlatformTransportConfig } from './transports';
import { bulkInsert, bulkInsertWithChildren, type Runner } from '../db/bulk';

export interface QueueEmailInput {
  organizationId: string;
  structureId?: string | null;
  memberId?: string | null;
  documentId?: string | null;
  to: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string | null;
  subject?: string;
  text?: string;
  html?: string;
  template?: { key: string; data: Record<string, unknown> };
  /** Documents of the organisation to attach. */
  documentIds?: string[];
  /** Already stored parts (e.g. a generated .ics) to attach. */
  attachments?: AttachmentRef[];
  headers?: Record<string, string>;
  idempotencyKey?: string;
  relatedType?: string;
  relatedId?: string;
  /**
   * Credentials the message carries (a reset token, an invitation code): staff
   * see the message with them masked (sent log, .eml); the original is kept
   * encrypted and is what is sent, byte for byte on every try.
   */
  secrets?: string[];
}

/** What staff see in place of a credential. */
export const SECRET_MASK = '[hidden]';

const mask = (value: string | undefined, secrets: string[]) => (value === undefined ? value : secrets.reduce((v, s) => v.split(s).join(SECRET_MASK), value));

export interface QueueDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  platform: PlatformTransportConfig;
  messageIdDomain: string;
  /** Runs the bulk insert (the driver on hot paths, see src/db/bulk.ts); Prisma when absent. */
  direct?: Runner;
}

function checkRecipients(field: string, list: string[] = []): string[] {
  const errors: FieldError[] = [];
  const out = list.map((raw, i) => {
    const parsed = parseAddress(raw);
    if (!parsed) errors.push(fieldError(`${field}.${i}`, 'EMAIL_GIVEN', { address: raw }));
    return parsed ? formatAddress(parsed) : raw;
  });
  if (errors.length) throw invalid(errors, errors.map((e) => e.reason).join('; '));
  return out;
}

type Queued = { sentEmail: SentEmail; created: boolean };

export interface QueueOptions {
  /**
   * The caller sends at once (a batch's group): new records are written already
   * `sending` with their first attempt, in the same statement, instead of
   * `queued` and then marked by a second statement (and a second new version of
   * the row in each of SentEmail's indexes).
   */
  startSending?: boolean;
}

/**
 * Records one outgoing message as `queued`, rendered and ready to send, under
 * its idempotency key. Asking again with the same key returns the first record
 * (`created: false`) and queues nothing new. Starting the send workflow is the
 * caller's job, so the same function serves the API, batches and notifications.
 */
export async function queueEmail(deps: QueueDeps, input: QueueEmailInput): Promise<Queued> {
  const [result] = await queueEmails(deps, [input]);
  if ('error' in result!) throw result.error;
  return result!;
}

/**
 * The same for many messages at once (an invoice batch's group): templates,
 * senders, structures and documents are read once for all, and the records are
 * written in one statement. A message that fails validation gets its error in
 * its own slot; the others are queued.
 */
export async function queueEmails(deps: QueueDeps, inputs: QueueEmailInput[], opts: QueueOptions = {}): Promise<(Queued | { error: AppError })[]> {
  const { prisma } = deps;
  const keys = inputs.map((i) => i.idempotencyKey ?? `api:${crypto.randomUUID()}`);
  const existing = await findByKeys(prisma, inputs.map((i, k) => [i.organizationId, keys[k]!]));
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!memo.has(key)) memo.set(key, load());
    return memo.get(key) as Promise<T>;
  };
  const documentIds = [...new Set(inputs.flatMap((i, k) => (existing.has(`${i.organizationId}\n${keys[k]}`) ? [] : (i.documentIds ?? []))))];
  const documents = documentIds.length ? await prisma.document.findMany({ where: { id: { in: documentIds } } }) : [];

  const results: (Queued | { error: AppError })[] = new Array(inputs.length);
  const rows: SentEmail[] = [];
  const pending: number[] = [];
  for (const [k, input] of inputs.entries()) {
    const found = existing.get(`${input.organizationId}\n${keys[k]}`);
    if (found) {
      results[k] = { sentEmail: found, created: false };
      continue;
    }
    try {
      const row = await buildRecord(deps, input, keys[k]!, documents, once);
      rows.push(opts.startSending ? { ...row, status: 'sending', attempts: 1 } : row);
      pending.push(k);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results[k] = { error: err };
    }
  }
  if (rows.length) {
    // One statement for all; a row that lost a race with an identical request is
    // skipped by the unique key, and the winner's record is read instead.
    const db = deps.direct ?? prisma;
    const inserted = new Set(
      opts.startSending
        ? await bulkInsertWithChildren(db, 'SentEmail', rows, { table: 'SendAttempt', fk: 'sentEmailId', rows: rows.map((r) => ({ id: uuidv7(), sentEmailId: r.id, number: 1, startedAt: r.queuedAt, finishedAt: null, outcome: null, error: null, smtpResponse: null })) })
        : (await bulkInsert<{ id: string }>(db, 'SentEmail', rows, ['id'])).map((r) => r.id),
    );
    const lost = pending.filter((_, j) => !inserted.has(rows[j]!.id));
    const winners = lost.length ? await findByKeys(prisma, lost.map((k) => [inputs[k]!.organizationId, keys[k]!])) : new Map<string, SentEmail>();
    pending.forEach((k, j) => {
      if (inserted.has(rows[j]!.id)) {
        results[k] = { sentEmail: rows[j]!, created: true };
        return;
      }
      const sentEmail = winners.get(`${inputs[k]!.organizationId}\n${keys[k]}`);
      if (!sentEmail) throw new Error(`message ${keys[k]} was not recorded; trying again`);
      results[k] = { sentEmail, created: false };
    });
  }
  return results;
}

async function findByKeys(prisma: PrismaClient, pairs: [organizationId: string, key: string][]): Promise<Map<string, SentEmail>> {
  const byOrg = new Map<string, string[]>();
  for (const [org, key] of pairs) byOrg.set(org, [...(byOrg.get(org) ?? []), key]);
  const rows = await prisma.sentEmail.findMany({ where: { OR: [...byOrg].map(([organizationId, ks]) => ({ organizationId, idempotencyKey: { in: ks } })) } });
  return new Map(rows.map((r) => [`${r.organizationId}\n${r.idempotencyKey}`, r]));
}

async function buildRecord(
  deps: QueueDeps,
  input: QueueEmailInput,
  idempotencyKey: string,
  documents: Document[],
  once: <T>(key: string, load: () => Promise<T>) => Promise<T>,
): Promise<SentEmail> {
  const { prisma } = deps;
  const to = checkRecipients('to', input.to);
  const cc = checkRecipients('cc', input.cc);
  const bcc = checkRecipients('bcc', input.bcc);
  if (to.length + cc.length + bcc.length === 0) throw invalid([fieldError('body.to', 'RECIPIENT_REQUIRED')], 'at least one recipient is required');
  const replyTo = input.replyTo ? checkRecipients('replyTo', [input.replyTo])[0] : undefined;

  let subject = input.subject;
  let text = input.text;
  let html = input.html;
  if (input.template) {
    const { key } = input.template;
    const { definition, content } = await once(`template\n${input.organizationId}\n${key}\n${input.structureId ?? ''}`, () => resolveTemplate(prisma, input.organizationId, key, input.structureId));
    const rendered = renderTemplate(definition, content, input.template.data);
    subject = input.subject ?? rendered.subject;
    text = rendered.text;
    html = rendered.html;
  }
  if (!subject) throw invalid([fieldError('body.subject', 'SUBJECT_REQUIRED')], 'subject is required');
  if (!text && !html) throw invalid([fieldError('body.text', 'TEXT_HTML_OR_TEMPLATE')], 'text or html is required');
  const secrets = (input.secrets ?? []).filter((s) => s.length >= 6);
  const secretEnc = secrets.length ? deps.secrets.encrypt(JSON.stringify({ subject, text, html })) : null;
  if (secrets.length) [subject, text, html] = [mask(subject, secrets)!, mask(text, secrets), mask(html, secrets)];

  const attachments: AttachmentRef[] = [...(input.attachments ?? [])];
  for (const id of input.documentIds ?? []) {
    const doc = documents.find((d) => d.id === id && d.organizationId === input.organizationId);
    if (!doc) throw notFound(`Document ${id}`);
    attachments.push({ documentId: doc.id, storageKey: doc.storageKey, filename: doc.filename, contentType: doc.contentType, size: doc.size });
  }

  const scope = `${input.organizationId}\n${input.structureId ?? ''}`;
  const sender = await once(`sender\n${scope}`, () => resolveSenderAccount(deps, input.organizationId, input.structureId));
  const structure = input.structureId
    ? await once(`structure\n${scope}`, () => prisma.structure.findFirst({ where: { id: input.structureId!, organizationId: input.organizationId } }))
    : null;
  if (input.structureId && !structure) throw notFound(`Structure ${input.structureId}`);
  // A structure's own sender name/address applies unless its own SMTP account says otherwise.
  const fromAddress = sender.kind === 'account' ? sender.from : (structure?.senderEmail ?? sender.from);
  const fromName = sender.kind === 'account' ? sender.fromName : (structure?.senderName ?? sender.fromName);
  const from = fromName ? formatAddress({ name: fromName, address: parseAddress(fromAddress)?.address ?? fromAddress }) : fromAddress;
  const domain = (parseAddress(fromAddress)?.address.split('@')[1] ?? deps.messageIdDomain).toLowerCase();

  // Every column, defaults included: the row is inserted as is and handed on as the record.
  const now = new Date();
  return {
    id: uuidv7(),
    organizationId: input.organizationId,
    structureId: input.structureId ?? null,
    memberId: input.memberId ?? null,
    documentId: input.documentId ?? null,
    templateKey: input.template?.key ?? null,
    idempotencyKey,
    fromAddress: from,
    replyTo: replyTo ?? sender.replyTo ?? structure?.replyTo ?? null,
    to,
    cc,
    bcc,
    subject,
    textBody: text ?? null,
    htmlBody: html ?? null,
    secretEnc,
    attachments: attachments as unknown as Prisma.JsonValue,
    headers: (input.headers ?? {}) as Prisma.JsonValue,
    messageId: `<${crypto.randomUUID()}@${domain}>`,
    messageKey: null,
    status: 'queued',
    attempts: 0,
    // Filled by the database (trigger of migration 20261207150000) from subject and addresses.
    searchText: '',
    lastError: null,
    lastErrorCode: null,
    lastErrorParams: null,
    smtpResponse: null,
    transport: null,
    relatedType: input.relatedType ?? null,
    relatedId: input.relatedId ?? null,
    workflowId: null,
    bounceReason: null,
    queuedAt: now,
    sentAt: null,
    failedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}
