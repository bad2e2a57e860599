import { z } from '@hono/zod-openapi';
import { ALLOWED_TYPES } from '../../../attachments/content-check.js';
import { ATTACHMENT_SOURCES, ATTACHMENT_STATUSES } from '../../../attachments/vocabulary.js';
import { MESSAGE_STATUSES } from '../../../domain/vocabulary.js';
import { problemResponse, rateLimitedResponse } from '../../problem-schema.js';
import { protectedRoute, publicRoute } from '../../route-contract.js';
import { ConversationIdParam, problems } from '../conversations/conversations.schemas.js';
import { LINK_TOKEN_PATTERN } from './links.js';

/** OpenAPI definitions of the attachment operations: the workspace's (bearer) and the customer's (a link token). */

const iso = z.string().openapi({ format: 'date-time' });
const TAGS = ['Attachments'];

export const AttachmentSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    source: z.enum(ATTACHMENT_SOURCES),
    status: z.enum(ATTACHMENT_STATUSES),
    fileName: z.string(),
    contentType: z.string().nullable(),
    size: z.number().int(),
    messageId: z.string().nullable().openapi({ description: 'The transcript message the file belongs to' }),
    messageStatus: z
      .enum(MESSAGE_STATUSES)
      .nullable()
      .openapi({ description: 'Delivery status of the link SMS (agent files)' }),
    error: z.string().nullable(),
    sourceRef: z
      .string()
      .nullable()
      .openapi({ description: 'Inbound media: the reference TeleSign sent (supervisors and admins only)' }),
    link: z
      .object({
        id: z.string(),
        expiresAt: iso,
        revokedAt: iso.nullable(),
        downloads: z.number().int(),
      })
      .nullable()
      .openapi({ description: 'Agent files: the download link sent to the customer' }),
    createdAt: iso,
  })
  .openapi('Attachment');

export const UploadRequestSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    messageId: z.string().nullable(),
    expiresAt: iso,
    usedAt: iso.nullable(),
    revokedAt: iso.nullable(),
  })
  .openapi('AttachmentUploadRequest');

export const AttachmentListSchema = z
  .object({
    items: z.array(AttachmentSchema),
    uploadRequests: z.array(UploadRequestSchema),
    allowed: z.object({ agentsCanSend: z.boolean(), customersCanSend: z.boolean() }).openapi({
      description: "The channel's toggles (the workspace hides what they switch off)",
    }),
    maxBytes: z.number().int(),
    acceptedTypes: z.array(z.string()),
  })
  .openapi('AttachmentList');

const multipartFile = {
  required: true as const,
  description: `multipart/form-data with one part named "file": ${ALLOWED_TYPES.join(', ')} (checked by content)`,
  content: {
    'multipart/form-data': {
      // A plain schema, not zod: the handler streams the body itself (never parsed whole into memory).
      schema: {
        type: 'object' as const,
        properties: { file: { type: 'string' as const, format: 'binary' } },
        required: ['file'],
      },
    },
  },
};

const fileProblems = {
  413: problemResponse('The file is larger than ATTACHMENT_MAX_BYTES'),
  415: problemResponse('Not multipart/form-data, or the content is not an accepted type (HTML and SVG never are)'),
};

export const AttachmentIdParam = z.object({ id: z.uuid() });
export const TokenParam = z.object({
  token: z
    .string()
    .regex(LINK_TOKEN_PATTERN, 'must be a link token')
    .openapi({ param: { name: 'token', in: 'path' }, example: 'q8zL1mXk3v0N6b2Hc4d5Ew' }),
});

export const sendAttachment = protectedRoute({
  method: 'post',
  path: '/{id}/attachments',
  operationId: 'sendAttachment',
  tags: TAGS,
  summary:
    'Send a file to the customer as a download link by SMS (assigned agent; the channel must allow agents to send files)',
  request: { params: ConversationIdParam, body: multipartFile },
  responses: {
    202: {
      description: 'Stored, and the link SMS queued',
      content: { 'application/json': { schema: AttachmentSchema } },
    },
    ...problems,
    ...fileProblems,
  },
});

export const listAttachments = protectedRoute({
  method: 'get',
  path: '/{id}/attachments',
  operationId: 'listAttachments',
  tags: TAGS,
  summary: "The conversation's files, with delivery and link status, and the channel's attachment toggles",
  request: { params: ConversationIdParam },
  responses: {
    200: { description: 'Files', content: { 'application/json': { schema: AttachmentListSchema } } },
    404: problems[404],
  },
});

export const requestAttachment = protectedRoute({
  method: 'post',
  path: '/{id}/attachment-requests',
  operationId: 'requestAttachment',
  tags: TAGS,
  summary:
    'Send the customer a single-use upload link by SMS (assigned agent; the channel must allow customers to send files)',
  request: { params: ConversationIdParam },
  responses: {
    202: {
      description: 'The upload link SMS queued',
      content: { 'application/json': { schema: UploadRequestSchema } },
    },
    ...problems,
  },
});

export const revokeAttachmentLink = protectedRoute({
  method: 'post',
  path: '/{id}/revoke',
  operationId: 'revokeAttachmentLink',
  tags: TAGS,
  summary: "Revoke the customer's download link of a file (assigned agent, supervisors, admins)",
  request: { params: AttachmentIdParam },
  responses: {
    200: { description: 'The file, link revoked', content: { 'application/json': { schema: AttachmentSchema } } },
    404: problems[404],
    409: problemResponse('The file has no download link (not sent by an agent)'),
  },
});

const fileBody = {
  description: 'The file (Content-Disposition attachment, inline only for raster images)',
  headers: {
    'Content-Disposition': { schema: { type: 'string' as const } },
    'X-Content-Type-Options': { schema: { type: 'string' as const } },
  },
  // The stored type (one of the allowlist, detected at upload), or octet-stream.
  content: Object.fromEntries(
    [...ALLOWED_TYPES, 'application/octet-stream'].map((type) => [
      type,
      { schema: { type: 'string' as const, format: 'binary' } },
    ]),
  ),
};

export const getAttachmentContent = protectedRoute({
  method: 'get',
  path: '/{id}/content',
  operationId: 'getAttachmentContent',
  tags: TAGS,
  summary: 'Download a file of a conversation you can see',
  request: { params: AttachmentIdParam },
  responses: {
    200: fileBody,
    404: problems[404],
    409: problemResponse('The file is not stored (being fetched, or failed)'),
  },
});

const gone = problemResponse('The link expired, was revoked, or (upload links) was used already');
const linkProblems = {
  404: problemResponse('No such link'),
  410: gone,
  422: problemResponse('Validation failed (the token is malformed)'),
  429: rateLimitedResponse,
};

export const PublicFileSchema = z
  .object({ fileName: z.string(), contentType: z.string(), size: z.number().int(), expiresAt: iso })
  .openapi('PublicFile');

export const getPublicFile = publicRoute({
  method: 'get',
  path: '/files/{token}',
  operationId: 'getPublicFile',
  tags: TAGS,
  summary: 'Customer: what a download link holds (the mobile download page reads it)',
  request: { params: TokenParam },
  responses: {
    200: { description: 'The file', content: { 'application/json': { schema: PublicFileSchema } } },
    ...linkProblems,
  },
});

export const getPublicFileContent = publicRoute({
  method: 'get',
  path: '/files/{token}/content',
  operationId: 'getPublicFileContent',
  tags: TAGS,
  summary: 'Customer: download the file of a link',
  request: { params: TokenParam },
  responses: { 200: fileBody, ...linkProblems },
});

export const PublicUploadSchema = z
  .object({ expiresAt: iso, maxBytes: z.number().int(), acceptedTypes: z.array(z.string()) })
  .openapi('PublicUpload');

export const getPublicUpload = publicRoute({
  method: 'get',
  path: '/uploads/{token}',
  operationId: 'getPublicUpload',
  tags: TAGS,
  summary: 'Customer: whether an upload link still works, and what it takes',
  request: { params: TokenParam },
  responses: {
    200: { description: 'The link works', content: { 'application/json': { schema: PublicUploadSchema } } },
    403: problemResponse('The channel does not accept files from customers'),
    ...linkProblems,
  },
});

export const uploadPublicFile = publicRoute({
  method: 'post',
  path: '/uploads/{token}',
  operationId: 'uploadPublicFile',
  tags: TAGS,
  summary: 'Customer: send a file through a single-use upload link; it appears in the conversation',
  request: { params: TokenParam, body: multipartFile },
  responses: {
    201: {
      description: 'Received',
      content: {
        'application/json': { schema: z.object({ fileName: z.string(), size: z.number().int() }).openapi('Upload') },
      },
    },
    400: problemResponse('The body could not be read'),
    403: problemResponse('The channel does not accept files from customers'),
    503: problemResponse('The conversation service is unreachable; the file was not accepted, retry later'),
    ...fileProblems,
    ...linkProblems,
    422: problemResponse('Validation failed (malformed token, no file part, malformed multipart body)'),
  },
});
