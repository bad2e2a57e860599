import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TRACING_INTERCEPTOR_MODULES } from '../lib/tracing.js';
import { TRACED_WORKFLOW_BUNDLE_PATH, WORKFLOW_BUNDLE_PATH, workflowsPath } from './create-worker.js';

// Production images ship prebuilt bundles so workers start without webpack (docs/operations.md): one without and one
// with the OpenTelemetry workflow interceptors. The worker loads the traced one only when tracing is on; with tracing
// off the interceptors only made no-op spans and sink calls on every activation.
for (const [path, interceptors] of [
  [WORKFLOW_BUNDLE_PATH, []],
  [TRACED_WORKFLOW_BUNDLE_PATH, WORKFLOW_TRACING_INTERCEPTOR_MODULES],
] as const) {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    workflowInterceptorModules: [...interceptors],
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, code);
  console.log(`workflow bundle written to ${path} (${code.length} bytes)`);
}
