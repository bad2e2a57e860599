import type { ConversationSummary } from './api.js';
import { load, save } from './storage.js';

/** Unread customer texts per conversation: how many the customer sent minus how many this agent has seen. */

const seen: Record<string, number> = load('seen', {});

export function unreadOf(c: Pick<ConversationSummary, 'id' | 'customerMessageCount'>): number {
  return Math.max(c.customerMessageCount - (seen[c.id] ?? 0), 0);
}

/** The agent has the conversation open: everything the customer sent so far counts as read. True if it changed. */
export function markRead(id: string, customerMessages: number): boolean {
  if ((seen[id] ?? 0) >= customerMessages) return false;
  seen[id] = customerMessages;
  // Keep the map small: only the latest few hundred conversations matter.
  const ids = Object.keys(seen);
  if (ids.length > 500) for (const old of ids.slice(0, ids.length - 500)) delete seen[old];
  save('seen', seen);
  return true;
}
