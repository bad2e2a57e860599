import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TRACING_INTERCEPTOR_MODULES } from '../lib/tracing.js';
import { WORKFLOW_BUNDLE_PATH, workflowsPath } from './create-worker.js';

// Production images ship a prebuilt bundle so workers start without webpack (stack.md §4). The OpenTelemetry workflow
// interceptors are always bundled (the image does not know whether tracing will be on); the worker always registers
// their sink, with a no-op processor when tracing is off.
const { code } = await bundleWorkflowCode({
  workflowsPath: workflowsPath(),
  workflowInterceptorModules: WORKFLOW_TRACING_INTERCEPTOR_MODULES,
});
await mkdir(dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
await writeFile(WORKFLOW_BUNDLE_PATH, code);
console.log(`workflow bundle written to ${WORKFLOW_BUNDLE_PATH} (${code.length} bytes)`);
