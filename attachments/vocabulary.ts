/** Names shared by the attachments schema, API and UI: one source for each enum. */

/** Who put the file in the conversation: an agent, a customer through an upload link, TeleSign media (MMS). */
export const ATTACHMENT_SOURCES = ['agent', 'customer_upload', 'inbound_media'] as const;
export type AttachmentSource = (typeof ATTACHMENT_SOURCES)[number];

/** pending: bytes on their way (inbound media being fetched); stored; failed: could not be stored (see error). */
export const ATTACHMENT_STATUSES = ['pending', 'stored', 'failed'] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];

export const ATTACHMENT_LINK_KINDS = ['download', 'upload'] as const;
export type AttachmentLinkKind = (typeof ATTACHMENT_LINK_KINDS)[number];
