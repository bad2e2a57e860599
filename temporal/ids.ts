/**
 * One workflow id per (messaging account, support number, customer number): Temporal allows one running execution
 * per id, which makes it the conversation's lock. Pure, so both the API and workflow code can use it.
 */
export function conversationWorkflowId(accountId: string, supportNumber: string, customerNumber: string): string {
  return `conv:${accountId}:${supportNumber}:${customerNumber}`;
}

export function temporalUiUrl(uiBase: string, namespace: string, workflowId: string, runId: string): string {
  return `${uiBase.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
