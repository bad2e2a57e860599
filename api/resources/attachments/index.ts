import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import { createRouter } from '../../router.js';
import * as handlers from './attachments.handlers.js';
import * as routes from './attachments.routes.js';
import * as publicLinks from './public-links.handlers.js';

/** Workspace, under /conversations: send, list and request a conversation's files (each handler checks it). */
export const conversationAttachmentsRouter = guardedRouter(
  ['/:id/attachments', authenticated],
  ['/:id/attachment-requests', authenticated],
)
  .openapi(routes.sendAttachment, handlers.sendAttachment)
  .openapi(routes.listAttachments, handlers.listAttachments)
  .openapi(routes.requestAttachment, handlers.requestAttachment);

/** Workspace, under /attachments: revoke a link, download a file (any signed-in user who may see its conversation). */
export const attachmentsRouter = guardedRouter(['/*', authenticated])
  .openapi(routes.revokeAttachmentLink, handlers.revokeAttachmentLink)
  .openapi(routes.getAttachmentContent, handlers.getAttachmentContent);

/** Customers, under /public: the links sent by SMS (the token is the credential; rate-limited per address). */
export const publicAttachmentsRouter = createRouter()
  .openapi(routes.getPublicFile, publicLinks.getPublicFile)
  .openapi(routes.getPublicFileContent, publicLinks.getPublicFileContent)
  .openapi(routes.getPublicUpload, publicLinks.getPublicUpload)
  .openapi(routes.uploadPublicFile, publicLinks.uploadPublicFile);
