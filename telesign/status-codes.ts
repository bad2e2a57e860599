import type { StatusReport } from '../domain/message-status.js';

/**
 * TeleSign SMS transaction status codes (docs/domain.md, "Message status codes") mapped to our message status. `final` means no further
 * update is expected for this attempt; `retryable` means sending again may succeed (503/505/10000).
 */
export type StatusClass = StatusReport & {
  optOut: boolean;
  retryable: boolean;
};

/** Interim codes: the message is on its way (290 in progress, 203 at gateway, 292 queued, 293 bulk, 295 delayed, 599 n/a). */
const INTERIM = new Set([203, 290, 292, 293, 295, 599]);
const DELIVERED = new Set([200, 201]);
/** Blocked by a list or policy rather than a delivery failure. 510 is the subscriber's own opt-out. */
const BLOCKED = new Set([229, 230, 233, 237, 238, 510, 10031, 10032]);
const RETRYABLE = new Set([503, 505, 10000]);

export function classifyStatus(code: number): StatusClass {
  if (INTERIM.has(code)) return { status: 'sent', final: false, optOut: false, retryable: false };
  if (DELIVERED.has(code)) return { status: 'delivered', final: true, optOut: false, retryable: false };
  if (BLOCKED.has(code)) return { status: 'blocked', final: true, optOut: code === 510, retryable: false };
  return { status: 'failed', final: true, optOut: false, retryable: RETRYABLE.has(code) };
}

/** Synchronous (HTTP response) codes that mean a send was refused because the destination is blocked. */
export const SYNC_BLOCKED_CODES = new Set([229, 230, 233, 237, 238, 510, 10032]);
