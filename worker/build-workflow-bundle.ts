import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_PATH, workflowsPath } from './create-worker.js';

// Production images ship a prebuilt bundle so workers start without webpack (stack.md §4).
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath() });
await mkdir(dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
await writeFile(WORKFLOW_BUNDLE_PATH, code);
console.log(`workflow bundle written to ${WORKFLOW_BUNDLE_PATH} (${code.length} bytes)`);
