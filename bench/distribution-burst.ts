/**
 * Distribution burst: 1,000 new conversations at once (1,000 signed mo_sms from distinct customers posted with
 * high concurrency), 50 available agents with 20 capacity units each (exactly enough). Measures the time from the
 * first callback until every conversation is offered (or assigned), and checks capacity throughout: no agent may
 * ever hold more reservations than its capacity (violations must be 0).
 *
 *   npm run bench:distribution-burst -- [--runs 3] [--conversations 1000] [--agents 50] [--attempts 1]
 *
 * `--attempts 1` also counts, after the measured phase, the reserveAgent calls the conversations' histories record
 * (activity or local-activity marker) and the agentsAvailable signals they received: how often the line was asked.
 */
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { load, median, option, save, step } from './lib/harness.js';
import { startAppStack } from './lib/stack.js';

const runs = option('runs', 3);
const total = option('conversations', 1000);
const agentCount = option('agents', 50);
const countAttempts = option('attempts', 0) > 0;

/** reserveAgent calls and agentsAvailable signals recorded in the histories of this run's workflows. */
async function attemptsIn(address: string, ids: string[]) {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    let reserveAgent = 0;
    let wakes = 0;
    // Payload bytes arrive as bytes or, from JSON-decoded histories, as base64.
    const text = (data: unknown) =>
      typeof data === 'string'
        ? Buffer.from(data, 'base64').toString('utf8')
        : data instanceof Uint8Array
          ? Buffer.from(data).toString('utf8')
          : '';
    for (const id of ids) {
      const history = await client.workflow.getHandle(id).fetchHistory();
      for (const e of history.events ?? []) {
        if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'reserveAgent') reserveAgent++;
        const marker = e.markerRecordedEventAttributes;
        if (marker?.details)
          for (const p of Object.values(marker.details))
            for (const d of p.payloads ?? []) if (text(d.data).includes('"reserveAgent"')) reserveAgent++;
        if (e.workflowExecutionSignaledEventAttributes?.signalName === 'agentsAvailable') wakes++;
      }
    }
    return { workflows: ids.length, reserveAgent, agentsAvailableSignals: wakes };
  } finally {
    await connection.close();
  }
}

const perRun = [];
for (let run = 1; run <= runs; run++) {
  // A fresh stack per run: every conversation is new and every agent starts empty.
  const stack = await startAppStack({
    seed: {
      agents: Array.from({ length: agentCount }, () => ({
        capacity: Math.ceil(total / agentCount),
        presence: 'available' as const,
      })),
      workstream: { offerTimeoutSeconds: 600 },
    },
  });
  try {
    const loadBefore = load();
    const bodies = Array.from({ length: total }, (_, i) =>
      stack.mo(`1999${String(run).padStart(2, '0')}${String(i).padStart(5, '0')}`, `burst ${i}`),
    );
    const meter = stack.cpuMeter();
    const t0 = performance.now();
    let acked = 0;
    let ackedAt = 0;
    const concurrency = 100;
    let next = 0;
    const poster = async () => {
      while (next < bodies.length) {
        const b = bodies[next++]!;
        const res = await fetch(stack.webhookUrl, { method: 'POST', headers: b.headers, body: b.raw });
        if (res.status === 200) acked++;
      }
    };
    const posting = Promise.all(Array.from({ length: concurrency }, poster)).then(() => {
      ackedAt = performance.now() - t0;
    });
    let violations = 0;
    let maxOverCapacity = 0;
    let offeredAt = Number.NaN;
    let offered = 0;
    const deadline = t0 + 600_000;
    while (performance.now() < deadline) {
      const [row] = (await stack.db.sql`
        select
          (select count(*)::int from conversations where offered_agent_id is not null or agent_id is not null) as offered,
          (select count(*)::int from users u where u.capacity_used > u.capacity
             or (select coalesce(sum(units), 0) from capacity_reservations r where r.user_id = u.id) > u.capacity) as over,
          (select coalesce(max(n - cap), 0)::int from (
             select u.capacity as cap, count(c.id) as n from users u
             join conversations c on c.offered_agent_id = u.id or c.agent_id = u.id group by u.id, u.capacity) x) as excess
      `) as unknown as [{ offered: number; over: number; excess: number }];
      offered = row.offered;
      if (row.over > 0) violations = Math.max(violations, row.over);
      maxOverCapacity = Math.max(maxOverCapacity, row.excess);
      if (offered >= total) {
        offeredAt = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    await posting;
    const cpu = meter.stop();
    const attempts = countAttempts
      ? await attemptsIn(
          stack.infra.temporalAddress,
          (
            (await stack.db.sql`select distinct workflow_id from conversations`) as unknown as { workflow_id: string }[]
          ).map((r) => r.workflow_id),
        ).catch((err: Error) => ({ error: err.message }))
      : undefined;
    const r = {
      run,
      load1mBefore: loadBefore[0],
      acked,
      allAckedMs: Math.round(ackedAt),
      allOfferedMs: Math.round(offeredAt),
      offered,
      capacityViolations: violations,
      maxConversationsOverCapacity: maxOverCapacity,
      cpuSeconds: cpu,
      ...(attempts ? { attempts } : {}),
    };
    step(JSON.stringify(r));
    perRun.push(r);
  } finally {
    await stack.cleanup();
  }
}
save('distribution-burst', {
  measured: `${total} new conversations posted at once (100 concurrent), ${agentCount} agents: ms until every one is offered; capacity violations`,
  command: `npm run bench:distribution-burst -- --runs ${runs} --conversations ${total} --agents ${agentCount}`,
  setup: 'API and worker as separate processes, Temporal dev server, embedded PostgreSQL (fsync on)',
  runs,
  medianOfRuns: {
    allOfferedMs: median(perRun.map((r) => r.allOfferedMs)),
    allAckedMs: median(perRun.map((r) => r.allAckedMs)),
    capacityViolations: Math.max(...perRun.map((r) => r.capacityViolations + r.maxConversationsOverCapacity)),
  },
  targets: { allOfferedMs: 2000, capacityViolations: 0 },
  perRun,
});
process.exit(0);
