import type { Readable } from 'node:stream';
import type { Document, PrismaClient } from '../generated/prisma/client';
import { notFound, problem } from '../shared/errors';
import { TooLargeError, type Storage } from '../storage';
import { mayShowInline } from './inline';
import { contentDisposition, safeContentType, safeFilename } from './safe-name';

export const DOCUMENT_KINDS = ['quote', 'order', 'invoice', 'certificate', 'diploma', 'logbook', 'calendar', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface SaveDocumentInput {
  organizationId: string;
  memberId?: string | null;
  filename: string;
  contentType: string;
  kind?: string;
  source?: 'upload' | 'received' | 'generated';
  content: Buffer | Readable;
  maxBytes?: number;
}

/** Streams the bytes into content-addressed storage and records the metadata. */
export async function saveDocument(prisma: PrismaClient, storage: Storage, input: SaveDocumentInput): Promise<Document> {
  if (input.memberId) {
    const member = await prisma.member.findFirst({ where: { id: input.memberId, organizationId: input.organizationId }, select: { id: true } });
    if (!member) throw notFound(`Member ${input.memberId}`);
  }
  let stored;
  try {
    stored = await storage.put(input.content, { maxBytes: input.maxBytes });
  } catch (err) {
    if (err instanceof TooLargeError) throw problem('PAYLOAD_TOO_LARGE', 'DOCUMENT_TOO_LARGE', { limit: err.limit });
    throw err;
  }
  return prisma.document.create({
    data: {
      organizationId: input.organizationId,
      memberId: input.memberId ?? null,
      filename: safeFilename(input.filename),
      contentType: safeContentType(input.contentType),
      kind: input.kind ?? 'other',
      source: input.source ?? 'upload',
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
    },
  });
}

/** Kept for callers of the old name: the one rule lives in `safe-name.ts`. */
export const sanitizeFilename = (name: string): string => safeFilename(name);

export function presentDocument(d: Document) {
  return {
    id: d.id,
    memberId: d.memberId,
    kind: d.kind,
    filename: d.filename,
    contentType: d.contentType,
    size: d.size,
    sha256: d.sha256,
    source: d.source,
    createdAt: d.createdAt.toISOString(),
    contentUrl: `/api/v1/documents/${d.id}/content`,
    // The bytes are checked again when served: a file whose bytes are not its declared type stays a download.
    inlineUrl: mayShowInline(d.contentType) ? `/api/v1/documents/${d.id}/content?disposition=inline` : null,
  };
}

export { contentDisposition };
