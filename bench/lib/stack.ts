import { randomBytes } from 'node:crypto';
import { callbackHeaders } from '../../telesign/signature.js';
import { startSimulator } from '../../telesign/simulator/server.js';
import { type SeedOptions, seedChannel } from '../../test/support/seed.js';
import {
  type ApiChild,
  appEnv,
  benchDb,
  type Child,
  cpuMeter,
  type Infra,
  startApi,
  startInfra,
  startWorker,
  step,
} from './harness.js';

export type AppStack = Awaited<ReturnType<typeof startAppStack>>;

/**
 * Infra + TeleSign simulator + one seeded channel + API process + worker process. The simulator posts its callbacks
 * (customer SMS, delivery reports) to the API's webhook.
 */
export async function startAppStack(
  opts: {
    seed?: SeedOptions;
    apiEnv?: Record<string, string>;
    workerEnv?: Record<string, string>;
    worker?: boolean;
    infra?: Infra;
    nodeArgs?: { api?: string[]; worker?: string[] };
    dlrDelaysMs?: [number, number];
  } = {},
) {
  const infra = opts.infra ?? (await startInfra());
  step('infra ready');
  const sim = await startSimulator({ port: 0, dlrDelaysMs: opts.dlrDelaysMs ?? [20, 50] });
  infra.onCleanup(sim.stop);
  const db = benchDb(infra, 5);
  infra.onCleanup(db.close);
  const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
  const env = appEnv(infra, taskQueue, { TELESIGN_BASE_URL: sim.url });
  const api: ApiChild = await startApi({ ...env, ...opts.apiEnv }, opts.nodeArgs?.api);
  infra.onCleanup(() => api.stop());
  let worker: Child | null = null;
  if (opts.worker !== false) {
    worker = await startWorker({ ...env, ...opts.workerEnv }, opts.nodeArgs?.worker);
    const w = worker;
    infra.onCleanup(() => w.stop());
  }
  step('api and worker processes ready');
  const channel = await seedChannel(db.db, db.config, sim, {
    ...opts.seed,
    callbackUrl: null,
  });
  const webhookUrl = `${api.url}/webhooks/telesign/${channel.accountId}`;
  sim.setCallbackUrl(channel.customerId, webhookUrl);
  return {
    infra,
    sim,
    db,
    env: { ...env, ...opts.workerEnv },
    api,
    worker,
    channel,
    webhookUrl,
    setWorker(w: Child) {
      worker = w;
      infra.onCleanup(() => w.stop());
    },
    /** A signed mo_sms body + headers, as TeleSign sends it. */
    mo(customerNumber: string, text: string, referenceId = randomBytes(16).toString('hex').toUpperCase()) {
      const now = new Date().toISOString();
      const raw = JSON.stringify({
        reference_id: referenceId,
        status: { code: 1500, description: 'Delivered to customer', updated_on: now },
        submit_timestamp: now,
        errors: [],
        sub_resource: 'mo_sms',
        user_response: {
          phone_number: customerNumber,
          sender_id: channel.supportNumber,
          mo_message: text,
          iso_country_code: 'US',
        },
      });
      return {
        referenceId,
        raw,
        headers: { 'content-type': 'application/json', ...callbackHeaders(channel.customerId, channel.apiKey, raw) },
      };
    },
    /** CPU seconds per component (API, worker, Temporal, Postgres, this process) from now until stop(). */
    cpuMeter: () => cpuMeter({ ...infra.pids(), api: api.pid, ...(worker ? { worker: worker.pid } : {}) }),
    cleanup: infra.cleanup,
  };
}
