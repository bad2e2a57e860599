import type { MessageStatus } from './vocabulary.js';

/**
 * The message status rules, in one place: which statuses are final, which mean TeleSign already has the message,
 * and which status may follow which when a send answer or a delivery report arrives. Pure (no I/O): used by the send
 * activities (activities/outbound.ts) and the delivery-report path (inbox/apply-dlr.ts) alike. What each TeleSign
 * status code means is TeleSign's vocabulary and lives in telesign/status-codes.ts; it reports in the terms below.
 */

/** Statuses a provider report can set. */
export type ReportedStatus = Extract<MessageStatus, 'sent' | 'delivered' | 'failed' | 'blocked'>;

/** A provider's verdict on one message: the status it means and whether more reports may follow. */
export type StatusReport = { status: ReportedStatus; final: boolean };

/** No further report is expected: the message reached the handset, or never will. */
export const FINAL_STATUSES = ['delivered', 'failed', 'blocked'] as const satisfies readonly ReportedStatus[];

/** TeleSign got the message (or refused it for good): a send must never hand it over again. */
export const HANDED_OVER_STATUSES = ['sent', ...FINAL_STATUSES] as const satisfies readonly ReportedStatus[];

/** The only status a send's own outcome (accepted, refused, retries exhausted, opted out) may move a message from. */
export const AWAITING_SEND: readonly MessageStatus[] = ['queued'];

export function isFinalStatus(status: MessageStatus): boolean {
  return (FINAL_STATUSES as readonly MessageStatus[]).includes(status);
}

export function isHandedOver(status: MessageStatus): status is ReportedStatus {
  return (HANDED_OVER_STATUSES as readonly MessageStatus[]).includes(status);
}

/**
 * The status a delivery report leaves the message in, or null when the report is stale and must not change it:
 * reports arrive out of order, so an interim report never overwrites a final status, and nothing overwrites
 * 'delivered' (the strongest evidence there is). A final report may still correct another final one.
 */
export function statusAfterReport(current: MessageStatus, report: StatusReport): ReportedStatus | null {
  if (current === 'delivered') return null;
  if (isFinalStatus(current) && !report.final) return null;
  return report.status;
}

/**
 * The status TeleSign's acceptance of a send moves a queued message to: 'sent', or 'delivered' when the answer
 * already says so; anything else waits for the delivery report as 'sent'.
 */
export function statusOnAcceptance(report: StatusReport): Extract<ReportedStatus, 'sent' | 'delivered'> {
  return report.status === 'delivered' ? 'delivered' : 'sent';
}

/** The final status of a send TeleSign refused for good: 'blocked' when the destination is barred, else 'failed'. */
export function statusOnRefusal(blocked: boolean): Extract<ReportedStatus, 'failed' | 'blocked'> {
  return blocked ? 'blocked' : 'failed';
}
