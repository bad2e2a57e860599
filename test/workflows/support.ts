import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { inject } from 'vitest';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { calendars } from '../../db/schema/index.js';
import { handOverMo } from '../../inbox/hand-over/hand-over.js';
import type { Simulator } from '../../telesign/simulator/server.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import type { Actor } from '../../workflows/definitions.js';
import type { SeededChannel } from '../support/seed.js';
import { eventually } from '../support/stack.js';

type Deps = { temporal: Client; db: Db; config: Config; sql: import('postgres').Sql };

/** Drives conversations the way the inbox does (signalWithStart) and reads the read model the API serves. */
export function conversationDriver(deps: Deps, seed: SeededChannel) {
  const workflowIdOf = (customer: string) => conversationWorkflowId(seed.accountId, seed.supportNumber, customer);

  async function text(customer: string, body: string, referenceId = randomBytes(16).toString('hex').toUpperCase()) {
    await handOverMo(deps, {
      inboxId: randomUUID(),
      accountId: seed.accountId,
      supportNumber: seed.supportNumber,
      customerNumber: customer,
      sms: { inboxId: randomUUID(), referenceId, text: body, receivedAt: new Date().toISOString() },
    });
    return referenceId;
  }

  type Row = {
    id: string;
    state: string;
    resolution: string | null;
    agent_id: string | null;
    offered_agent_id: string | null;
    queue_id: string | null;
    run_id: string;
    with_bot: boolean;
  };

  async function conversation(customer: string): Promise<Row | undefined> {
    const rows = await deps.sql<Row[]>`
      select id, state, resolution, agent_id, offered_agent_id, queue_id, run_id, with_bot from conversations
      where workflow_id = ${workflowIdOf(customer)} order by created_at desc limit 1`;
    return rows[0];
  }

  /** Waits until the customer's latest conversation satisfies `check`. */
  function until(customer: string, check: (row: Row) => boolean, timeoutMs = 20_000) {
    return eventually(async () => {
      const row = await conversation(customer);
      return row && check(row) ? row : undefined;
    }, timeoutMs);
  }

  async function messages(conversationId: string) {
    return deps.sql<{ id: string; direction: string; text: string; status: string; agent_id: string | null }[]>`
      select id, direction, text, status, agent_id from messages where conversation_id = ${conversationId}
      order by created_at, seq`;
  }

  function update<Ret, Args extends [unknown, ...unknown[]]>(
    customer: string,
    def: UpdateDefinition<Ret, Args>,
    ...args: Args
  ) {
    return deps.temporal.workflow.getHandle(workflowIdOf(customer)).executeUpdate(def, { args });
  }

  const actor = (agent: { id: string }, role: Actor['role'] = 'agent'): Actor => ({ userId: agent.id, role });

  async function capacityUsed(agentId: string) {
    const [row] = await deps.sql<{ capacity_used: number }[]>`select capacity_used from users where id = ${agentId}`;
    return row!.capacity_used;
  }

  return { workflowIdOf, text, conversation, until, messages, update, actor, capacityUsed };
}

export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * With RECORD_HISTORIES=1, saves the workflow's event history as a replay fixture (test/workflows/histories/), so
 * later versions of the workflow code are checked against histories real runs produced.
 */
export async function maybeRecordHistory(name: string, workflowId: string) {
  if (process.env.RECORD_HISTORIES !== '1') return;
  // The CLI writes the proto3 JSON that historyFromJSON reads (and that the Temporal UI can download).
  const json = execFileSync(
    inject('temporalCliPath'),
    ['workflow', 'show', '--workflow-id', workflowId, '--address', inject('temporalAddress'), '--output', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(`${HISTORIES_DIR}${name}.json`, json);
}

let calendarCounter = 0;
/** A calendar open around the clock except a closure from a minute ago until `closedForMs` from now. */
export async function calendarClosedFor(db: Db, closedForMs: number) {
  const now = Date.now();
  const [cal] = await db
    .insert(calendars)
    .values({
      name: `closed ${calendarCounter++} ${now}`,
      timeZone: 'Europe/Sofia',
      weekly: ([1, 2, 3, 4, 5, 6, 7] as const).map((day) => ({ day, start: '00:00', end: '24:00' })),
      closures: [{ start: new Date(now - 60_000).toISOString(), end: new Date(now + closedForMs).toISOString() }],
    })
    .returning();
  return cal!;
}

/** Waits until the customer's phone at the simulator received a text containing `match` (or passing it); returns it. */
export function phoneReceives(sim: Simulator, customer: string, match: string | ((text: string) => boolean)) {
  const test = typeof match === 'string' ? (text: string) => text.includes(match) : match;
  return eventually(async () =>
    sim
      .phone(customer)
      .received()
      .find((m) => test(m.text)),
  );
}
