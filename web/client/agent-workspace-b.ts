import { currentCustomer, initCustomerPanel, showCustomer } from './agent-customer.js';
import { initNewConversation } from './agent-new-conversation.js';
import { initQuickReplies } from './agent-quick-replies.js';
import { initSearch } from './agent-search.js';
import { $, api, pageData } from './common.js';

/**
 * Wires the customer panel, search, quick replies and "New conversation" into the workspace. agent.ts calls
 * `initWorkspaceB` once and `conversationShown` whenever it renders a conversation.
 */

type Shown = { id: string; customerNumber: string; queueId: string | null; language: string; agentId: string | null };

const data = pageData<{ user: { id: string; name: string; role: string }; staff: boolean }>();
let shown: Shown | null = null;
let queueNames = new Map<string, string>();

export function initWorkspaceB(open: (conversationId: string) => void) {
  initCustomerPanel();
  initSearch((hit) => {
    void showCustomer(hit.customerNumber, { conversationId: hit.conversationId, force: true });
    // Agents open their own conversations; their queues' others are read in the customer panel.
    if (data.staff || hit.agentId === data.user.id) open(hit.conversationId);
    else document.querySelector<HTMLElement>(`#cust-history [data-conversation-id="${hit.conversationId}"]`)?.focus();
  });
  initNewConversation(open);
  void api<{ items: { id: string; name: string }[] }>('GET', '/queues')
    .then((r) => {
      queueNames = new Map(r.items.map((q) => [q.id, q.name]));
    })
    .catch(() => {});
  initQuickReplies($<HTMLTextAreaElement>('reply'), () => ({
    customerName: currentCustomer()?.name ?? '',
    agentName: data.user.name,
    queueName: (shown?.queueId && queueNames.get(shown.queueId)) || '',
    queueId: shown?.queueId ?? null,
    language: currentCustomer()?.language ?? shown?.language ?? null,
  }));
}

/** The workspace shows conversation `c`: its customer goes to the side panel. */
export function conversationShown(c: Shown) {
  const changed = shown?.id !== c.id;
  shown = c;
  void showCustomer(c.customerNumber, { conversationId: c.id, force: changed }).catch(() => {});
}
