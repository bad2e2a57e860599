import { createRouter } from '../../router.js';
import * as handlers from './audit-log.handlers.js';
import * as routes from './audit-log.routes.js';

export const auditLog = createRouter().openapi(routes.listAuditLog, handlers.listAuditLog);
