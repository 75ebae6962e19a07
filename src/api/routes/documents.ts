import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { safeContentType } from '../../documents/safe-name';
import { ignoreClientGone } from '../client-gone';
import { contentDisposition, DOCUMENT_KINDS, presentDocument, saveDocument } from '../../documents/documents';
import { inlineHeaders, inlineType, mayShowInline, peekHead, type InlineType } from '../../documents/inline';
import { sendDocument } from '../../documents/send-document';
import { AppError, notFound, validationError } from '../../shared/errors';
import { fieldError } from '../../shared/field-reasons';
import type { AppContext } from '../context';
import { HANDLED, type ApiRouter } from '../router';
import { DOCUMENT_ORDER, listMemberDocuments } from '../../documents/list-documents';
import { listQuery, listSchema } from '../list';
import { fieldReasonText } from '../../shared/field-reasons';
import { BASE64, contentType, idParam, recipient, templateData, templateKey, z } from '../zod';

export const documentSchema = z
  .object({
    id: z.string(), memberId: z.string().nullable(), kind: z.string(), filename: z.string(), contentType: z.string(),
    size: z.number().int(), sha256: z.string(), source: z.string(), createdAt: z.string(), contentUrl: z.string(),
    inlineUrl: z.string().nullable().openapi({ description: 'where a browser shows it (PDFs and raster images, bytes checked when served); null: download only' }),
  })
  .openapi('Document');

const uploadBody = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: contentType().default('application/octet-stream'),
    kind: z.enum(DOCUMENT_KINDS).default('other'),
    // A pattern, not a refinement, so the document says it (schemathesis then sends base64, as clients must).
    contentBase64: z.string().min(1).regex(BASE64, fieldReasonText('NOT_BASE64')).openapi({ format: 'byte' }),
  })
  .openapi('DocumentUpload');

const rawUploadQuery = z.object({
  filename: z.string().min(1).max(255).optional().openapi({ description: 'the file name; required with a raw body (a JSON body carries its own)' }),
  kind: z.enum(DOCUMENT_KINDS).default('other'),
});

export function registerDocumentRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['documents'];
  const maxBytes = 25 * 1024 * 1024;

  r.add({
    method: 'post', path: '/members/:id/documents', tags, status: 201, response: documentSchema,
    summary: 'Upload a document for a member',
    description: 'JSON with `contentBase64`, or the raw bytes with their own Content-Type and `?filename=&kind=` (streamed to storage; `filename` is required then).',
    params: idParam, query: rawUploadQuery, uploads: { 'application/json': uploadBody, 'application/octet-stream': 'binary' },
    handler: async ({ auth, params, query, req, body: json }) => {
      if (req.is('application/json')) {
        // Parsed by the router with uploadBody (the upload's JSON form).
        const body = json as z.output<typeof uploadBody>;
        const content = Buffer.from(body.contentBase64, 'base64');
        const doc = await saveDocument(ctx.prisma, ctx.storage, { organizationId: auth.organizationId, memberId: params.id, filename: body.filename, contentType: body.contentType, kind: body.kind, content, maxBytes });
        return presentDocument(doc);
      }
      if (!query.filename) throw new AppError('BAD_REQUEST', 'query.filename: required for a raw upload', { errors: [fieldError('query.filename', 'FILENAME_REQUIRED')] });
      // No Content-Length above 0 and not chunked: nothing follows the headers (RFC 9112 §6.3), an empty document.
      if (req.headers['transfer-encoding'] === undefined && !(Number(req.headers['content-length']) > 0)) throw validationError('body', 'EMPTY_UPLOAD');
      const type = req.headers['content-type'] ?? 'application/octet-stream';
      // The same rule as a JSON upload's contentType field.
      if (!contentType().safeParse(type).success) throw validationError('header.content-type', 'MIME_TYPE');
      const doc = await saveDocument(ctx.prisma, ctx.storage, {
        organizationId: auth.organizationId, memberId: params.id, filename: query.filename,
        contentType: type, kind: query.kind, content: req, maxBytes,
      });
      return presentDocument(doc);
    },
  });

  r.add({
    method: 'get', path: '/members/:id/documents', summary: "A member's documents, newest first", tags,
    params: idParam, query: listQuery(DOCUMENT_ORDER), response: listSchema(documentSchema),
    handler: async ({ auth, params, query }) => {
      const [member] = await ctx.sql.query('SELECT 1 FROM "Member" WHERE "id" = $1 AND "organizationId" = $2', [params.id, auth.organizationId]);
      if (!member) throw notFound(`Member ${params.id}`);
      const { items, total, totalIsLowerBound, next } = await listMemberDocuments(ctx, auth.organizationId, params.id, query);
      return { items: items.map(presentDocument), page: query.cursor ? null : query.page, pageSize: query.pageSize, total, totalIsLowerBound, next };
    },
  });

  r.add({
    method: 'get', path: '/documents/:id', summary: "A document's metadata", tags, params: idParam, response: documentSchema,
    handler: async ({ auth, params }) => {
      const doc = await ctx.prisma.document.findFirst({ where: { id: params.id, organizationId: auth.organizationId } });
      if (!doc) throw notFound(`Document ${params.id}`);
      return presentDocument(doc);
    },
  });

  r.add({
    method: 'get', path: '/documents/:id/content', summary: "Download a document's bytes (with its own content type), or show a PDF or image inline", tags, params: idParam, produces: '*/*',
    description: '`?disposition=inline` serves a PDF or a PNG, JPEG, GIF or WebP image for display in the browser (the file\'s first bytes must prove the type; never SVG or HTML); anything else comes as a download, as without it.',
    query: z.object({ disposition: z.enum(['attachment', 'inline']).default('attachment').openapi({ description: 'inline: shown by the browser (PDF and raster images only)' }) }),
    handler: async ({ auth, params, query, res }) => {
      const doc = await ctx.prisma.document.findFirst({ where: { id: params.id, organizationId: auth.organizationId } });
      if (!doc) throw notFound(`Document ${params.id}`);
      let headers: Record<string, string> = {
        'Content-Type': safeContentType(doc.contentType), 'Content-Disposition': contentDisposition(doc.filename),
        // Stored bytes are user-supplied: never let a browser sniff them into HTML.
        'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox",
      };
      let body: Readable | null = null;
      if (query.disposition === 'inline') {
        let type: InlineType | null = null;
        if (mayShowInline(doc.contentType)) {
          const peeked = await peekHead(ctx.storage.get(doc.storageKey));
          body = peeked.stream;
          type = inlineType(doc.contentType, peeked.head);
        }
        // What a browser cannot show safely (SVG and HTML run scripts; a "PDF" whose bytes are not
        // one) comes as the download it would have been: asking inline never fails, never runs anything.
        if (type) headers = { ...inlineHeaders(type), 'Content-Type': type, 'Content-Disposition': contentDisposition(doc.filename, 'inline') };
      }
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.setHeader('Content-Length', String(doc.size));
      await pipeline(body ?? ctx.storage.get(doc.storageKey), res).catch(ignoreClientGone);
      return HANDLED;
    },
  });

  r.add({
    method: 'post', path: '/documents/:id/send', summary: "Send a document as an attachment (to the member's addresses unless given)", tags, status: 202, params: idParam,
    body: z.object({
      to: z.array(recipient()).max(20).optional(),
      cc: z.array(recipient()).max(20).optional(),
      template: templateKey().optional().openapi({ description: 'template key; default by document kind: document.quote, document.order, document.invoice, document.other' }),
      data: templateData().optional(),
      idempotencyKey: z.string().max(200).optional(),
    }),
    response: z.object({ id: z.string(), workflowId: z.string(), status: z.string(), duplicate: z.boolean(), to: z.array(z.string()) }),
    handler: async ({ auth, params, body, req }) => {
      const { sentEmail, created, workflowId } = await sendDocument(
        { prisma: ctx.prisma, secrets: ctx.secrets, platform: ctx.platform, messageIdDomain: ctx.config.MESSAGE_ID_DOMAIN, temporal: ctx.temporal, config: ctx.config },
        { organizationId: auth.organizationId, documentId: params.id, to: body.to, cc: body.cc, templateKey: body.template, data: body.data, idempotencyKey: body.idempotencyKey ?? req.get('Idempotency-Key') },
      );
      return { id: sentEmail.id, workflowId, status: sentEmail.status, duplicate: !created, to: sentEmail.to };
    },
  });
}
