/**
 * Outbound: an agent's POST /api/v1/conversations/{id}/messages (API process) → the conversation workflow's send
 * activity (worker process) → the TeleSign simulator receives and accepts the REST request. Sequential sends over a
 * set of active conversations (latency, not throughput). The simulator stamps each request when it accepts it.
 *
 *   npm run bench:outbound -- [--runs 3] [--count 100] [--conversations 20]
 */
import { load, median, option, save, stats, step, until } from './lib/harness.js';
import { startAppStack } from './lib/stack.js';

const runs = option('runs', 3);
const count = option('count', 100);
const conversations = option('conversations', 20);

const stack = await startAppStack({
  seed: { agents: [{ capacity: 1000, presence: 'available' }], workstream: { autoAccept: true } },
});
try {
  const agent = stack.channel.agents[0]!;
  const phones = Array.from({ length: conversations }, (_, i) => `1888${String(i).padStart(7, '0')}`);
  for (const p of phones) await stack.sim.phone(p).send(stack.channel.supportNumber, 'hello');
  const convs = await until(
    async () => {
      const rows = (await stack.db.sql`
        select id, customer_number from conversations where state = 'active' and agent_id = ${agent.id}`) as unknown as {
        id: string;
        customer_number: string;
      }[];
      return rows.length === conversations ? rows : null;
    },
    120_000,
    'conversations active',
  );
  const sendOne = async (i: number) => {
    const c = convs[Math.abs(i) % convs.length]!;
    const text = `outbound ${i} ${Date.now()}`;
    const t0 = Date.now();
    const res = await fetch(`${stack.api.url}/api/v1/conversations/${c.id}/messages`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    const t1 = Date.now();
    if (res.status !== 202) throw new Error(`send: ${res.status} ${await res.text()}`);
    const m = await until(
      async () =>
        stack.sim
          .phone(c.customer_number)
          .received()
          .find((x) => x.text === text),
      30_000,
      'simulator received',
    );
    return { total: Date.parse(m.at) - t0, api: t1 - t0 };
  };
  step('warm-up');
  for (let i = 0; i < 20; i++) await sendOne(-1 - i);
  const perRun = [];
  for (let run = 1; run <= runs; run++) {
    const loadBefore = load();
    const meter = stack.cpuMeter();
    const total: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < count; i++) {
      const r = await sendOne(run * 10_000 + i);
      total.push(r.total);
      api.push(r.api);
    }
    const cpu = meter.stop();
    const r = {
      run,
      load1mBefore: loadBefore[0],
      agentSendToSimulatorMs: stats(total),
      apiAnswer202Ms: stats(api),
      cpuMsPerSend: Object.fromEntries(
        Object.entries(cpu)
          .filter(([k]) => k !== 'wallSeconds')
          .map(([k, v]) => [k, Math.round(((v * 1000) / count) * 10) / 10]),
      ),
    };
    step(JSON.stringify(r));
    perRun.push(r);
  }
  save('outbound', {
    measured: 'agent POST …/messages sent → the TeleSign simulator accepted the send request (its timestamp), ms',
    command: `npm run bench:outbound -- --runs ${runs} --count ${count} --conversations ${conversations}`,
    setup:
      'API and worker as separate processes, Temporal dev server, embedded PostgreSQL (fsync on); sequential sends',
    runs,
    medianOfRuns: {
      p50Ms: median(perRun.map((r) => r.agentSendToSimulatorMs.median)),
      p99Ms: median(perRun.map((r) => r.agentSendToSimulatorMs.p99)),
      api202P50Ms: median(perRun.map((r) => r.apiAnswer202Ms.median)),
    },
    targets: { p50Ms: 50 },
    perRun,
  });
} finally {
  await stack.cleanup();
}
process.exit(0);
