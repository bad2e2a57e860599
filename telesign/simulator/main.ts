import { startSimulator } from './server.js';

/**
 * `npm run simulator`: a standalone TeleSign simulator. Env: SIMULATOR_PORT (4010), SIMULATOR_CUSTOMER_ID,
 * SIMULATOR_API_KEY, SIMULATOR_NUMBERS (comma separated support numbers), SIMULATOR_CALLBACK_URL.
 */
const env = process.env;
const sim = await startSimulator({
  port: Number(env.SIMULATOR_PORT ?? 4010),
  host: env.SIMULATOR_HOST ?? '127.0.0.1',
  publicHost: env.SIMULATOR_PUBLIC_HOST ?? 'localhost',
  log: (m) => console.log(`[simulator] ${m}`),
});
const account = sim.addAccount({
  customerId: env.SIMULATOR_CUSTOMER_ID || undefined,
  apiKey: env.SIMULATOR_API_KEY || undefined,
  numbers: (env.SIMULATOR_NUMBERS ?? '14252306549').split(',').filter(Boolean),
  callbackUrl: env.SIMULATOR_CALLBACK_URL || null,
});
console.log(`TeleSign simulator on ${sim.url} (UI: ${sim.url}/sim)`);
console.log(`  customer ID: ${account.customerId}`);
console.log(`  API key:     ${account.apiKey}`);
console.log(`  numbers:     ${account.numbers.join(', ')}`);
const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
