import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** Runtime.install must precede any other Temporal call and may run only once per process. */
export function installTemporalRuntime(level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN'): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: [] });
  installed = true;
}
