import { join } from 'node:path';
import { ConfigError } from '../config/env.js';
import { startLocalStack } from './local-stack.js';
import { PROJECT_ROOT, ToolsError } from './provision-tools.js';

// `npm start`: the whole product on embedded defaults. Ctrl-C stops everything this process started.
const started = Date.now();
let stack: Awaited<ReturnType<typeof startLocalStack>>;
try {
  stack = await startLocalStack({ dataDir: process.env.SMSDESK_DATA_DIR ?? join(PROJECT_ROOT, '.data') });
} catch (err) {
  if (err instanceof ConfigError || err instanceof ToolsError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
}

console.log(`
smsdesk is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  API            ${stack.apiUrl}        (health: ${stack.apiUrl}/readyz)
  Temporal UI    ${stack.temporalUiUrl ?? '(external Temporal: see your cluster UI)'}
  Temporal       ${stack.config.TEMPORAL_ADDRESS} (namespace ${stack.config.TEMPORAL_NAMESPACE})
  TeleSign       ${stack.config.TELESIGN_BASE_URL}
  Admin token    ${stack.adminToken ?? '(BOOTSTRAP_ADMIN_TOKEN not set)'}
Press Ctrl-C to stop.`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await stack.stop();
  console.log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
