// The worker's workflow bundle entry: only workflow functions and pure code may be reachable from here.
export { conversationWorkflow } from './conversation/workflow.js';
export { retentionWorkflow } from './retention-workflow.js';
