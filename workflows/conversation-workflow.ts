// The workflow moved to workflows/conversation/; this path stays for code and tests that import its type from here.
export { conversationWorkflow } from './conversation/workflow.js';
