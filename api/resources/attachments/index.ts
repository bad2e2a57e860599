import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import { createRouter } from '../../router.js';
import * as handlers from './attachments.handlers.js';
import * as routes from './attachments.routes.js';
import * as publicLinks from './public-links.handlers.js';

/** Workspace: send, list, request, revoke, download (any signed-in user; each handler checks the conversation). */
export const attachmentsRouter = guardedRouter(
  ['/conversations/:id/attachments', authenticated],
  ['/conversations/:id/attachment-requests', authenticated],
  ['/attachments/*', authenticated],
)
  .openapi(routes.sendAttachment, handlers.sendAttachment)
  .openapi(routes.listAttachments, handlers.listAttachments)
  .openapi(routes.requestAttachment, handlers.requestAttachment)
  .openapi(routes.revokeAttachmentLink, handlers.revokeAttachmentLink)
  .openapi(routes.getAttachmentContent, handlers.getAttachmentContent);

/** Customers: the links sent by SMS (the token is the credential; rate-limited per address). */
export const publicAttachmentsRouter = createRouter()
  .openapi(routes.getPublicFile, publicLinks.getPublicFile)
  .openapi(routes.getPublicFileContent, publicLinks.getPublicFileContent)
  .openapi(routes.getPublicUpload, publicLinks.getPublicUpload)
  .openapi(routes.uploadPublicFile, publicLinks.uploadPublicFile);
