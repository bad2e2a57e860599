import { patched, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ConversationContext } from '../../activities/conversation-context.js';
import type { ConversationPatch } from '../../activities/read-model.js';
import type { AutomatedTrigger } from '../../domain/automated-messages.js';
import { type Actor, ConversationMachine } from '../../domain/conversation-machine.js';
import { REDISTRIBUTE_FIRST_MS } from '../../domain/timer-policy.js';
import type { Resolution } from '../../domain/vocabulary.js';
import type {
  AgentStart,
  CarriedState,
  ConversationInput,
  ConversationStateView,
  InboundSms,
  SendAck,
  UpdateAck,
} from '../definitions.js';
import { NamedTimers } from '../named-timers.js';
import { type DbActivities, localDb, remoteDb } from './activity-options.js';
import * as actions from './conversation-agent-actions.js';
import * as agentStart from './conversation-agent-start.js';
import * as inbound from './conversation-inbound.js';
import * as readModel from './conversation-read-model.js';
import * as routing from './conversation-routing.js';
import { ServiceLevels } from './conversation-service-levels.js';
import * as timerSteps from './conversation-timers.js';
import { Outbox } from './outbox.js';

/*
 * One run is one conversation between a customer number and a support number. This class owns what the run knows
 * (the carried state, the machine, the timers and the loop's flags) and has one method per signal, update and
 * timer; activities do all I/O. The inbound path, routing and offers, the agent actions, the timers and the read
 * model live in conversation-inbound.ts, conversation-routing.ts, conversation-agent-actions.ts,
 * conversation-timers.ts and conversation-read-model.ts (functions of this class), to keep each file to one concern
 * and under ~400 lines.
 * Versioning rule: any change to the order or kind of commands must be guarded with patched('<change-id>').
 */

const MAX_SEEN_REFERENCES = 1000;
/** Keeps replay of a long-lived conversation cheap; the server's own suggestion comes much later (~10k events). */
const DEFAULT_HISTORY_LIMIT = 2000;

export class Conversation {
  // Versioned change: runs that started with regular activities keep them on replay (their histories say so).
  readonly db: DbActivities = patched('local-db-activities') ? localDb : remoteDb;
  /*
   * Versioned change (#20): inbound messages are recorded in bulk, at most MAX_INBOUND_PER_TASK per workflow task,
   * in inbox order, and a reference counts as seen only once it is recorded. Older histories keep the per-message
   * path (recordInbound per message, seen on delivery).
   */
  readonly batched = patched('inbound-batch');
  /**
   * Versioned change (#19, fewer commands per task; one patch, as each patch costs a new run a marker and a search
   * attribute upsert): a customer text pushes the state timer's deadline out without restarting its durable timer
   * (NamedTimers.extend: it wakes at the old deadline and sleeps for the rest), saving a timer cancel and start per
   * text; the context load and the inbound recording are one local activity (recordInboundTurn); a queue's staffing
   * and SLA policy are one (queueFacts). Older histories keep the separate steps.
   */
  readonly lean = patched('lean-turns');
  readonly carried: CarriedState;
  readonly machine: ConversationMachine;
  readonly timers = new NamedTimers();
  readonly outbox: Outbox;
  /** Automated-message triggers, SLA clocks and CSAT (conversation-service-levels.ts). */
  readonly service: ServiceLevels;
  /** With `batched`: references recorded in the transcript (dedupe follows durable recording, not delivery). */
  readonly seen: Set<string>;
  /** With `batched`: references delivered and waiting in carried.inbound, not yet recorded. */
  readonly queued: Set<string>;
  /**
   * Which reference each recorded message id belongs to, in this run. A local-activity result is matched to its
   * call by sequence number only; if a result ever lands on another message's call, the same message id shows up
   * for two references and the task fails loudly (and is retried) instead of dropping a message silently.
   */
  private readonly attributed = new Map<string, string>();
  /** While a batch is applied, read-model syncs and the state timer are coalesced into one at its end. */
  deferred: { dirty: boolean; notify: Set<string>; arm: boolean } | null = null;
  /** An agent of the queue became available (signal): try distribution again. */
  nudged = false;
  /** Distribution must run at the end of this turn. */
  redistribute = false;
  /** Decliners are skipped right after a decline; the next nudge or tick may offer to them again (below the limit). */
  skipDecliners = false;
  /** The run is over once what it promised is done (closed for good, or the reopen window ran out)… */
  private done = false;
  /** …and no survey window holds it open. */
  get complete(): boolean {
    return this.done && !this.service.holdsRun;
  }
  set complete(value: boolean) {
    this.done = value;
  }
  readonly workflowId = workflowInfo().workflowId;
  private readonly historyLimit: number;
  /** The search attributes last upserted (conversation-read-model.ts skips an upsert that changes nothing). */
  lastAttributes = '';

  constructor(readonly input: ConversationInput) {
    this.carried = input.carried ?? {
      conversationId: uuid4(),
      machine: new ConversationMachine().snapshot(),
      context: null,
      contextLoaded: false,
      seen: [],
      inbound: [],
      outbox: [],
      botVariables: {},
      skills: [],
      redistributeMs: REDISTRIBUTE_FIRST_MS,
    };
    this.machine = new ConversationMachine(this.carried.machine);
    this.seen = new Set(this.carried.seen);
    this.queued = new Set(this.carried.inbound.map((x) => x.referenceId));
    this.outbox = new Outbox(this.carried, input, this.db);
    this.historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.service = new ServiceLevels(this);
  }

  get context(): ConversationContext | null {
    return this.carried.context;
  }

  get conversationId(): string {
    return this.carried.conversationId;
  }

  get shouldContinueAsNew(): boolean {
    return workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > this.historyLimit;
  }

  /** Something for the main loop to do. */
  get hasWork(): boolean {
    return (
      this.carried.inbound.length > 0 ||
      this.nudged ||
      this.redistribute ||
      this.timers.hasFired ||
      this.complete ||
      this.shouldContinueAsNew
    );
  }

  attribute(messageId: string, referenceId: string): void {
    const prior = this.attributed.get(messageId);
    if (prior !== undefined && prior !== referenceId) {
      throw new Error(
        `inbound recording misattributed: message ${messageId} was recorded for ${prior}, now reported for ${referenceId}`,
      );
    }
    this.attributed.set(messageId, referenceId);
  }

  ack(): UpdateAck {
    return { conversationId: this.carried.conversationId, state: this.machine.state };
  }

  distributionMode(): 'push' | 'pick' {
    return this.context?.workstream.distributionMode ?? 'push';
  }

  // ---------- signals and query ----------

  onInboundSignal(message: InboundSms): void {
    // Dedupe on TeleSign's reference id: the relay may hand the same MO over more than once.
    if (this.batched) {
      // Recorded or already queued: a no-op. Anything else is queued, even a reference delivered before whose
      // recording never happened (the inbox sweeper re-delivers those).
      if (this.seen.has(message.referenceId) || this.queued.has(message.referenceId)) return;
      this.queued.add(message.referenceId);
      this.carried.inbound.push(message);
      return;
    }
    if (this.seen.has(message.referenceId)) return;
    this.seen.add(message.referenceId);
    this.carried.inbound.push(message);
  }

  onAgentsAvailable(): void {
    this.nudged = true;
  }

  view(): ConversationStateView {
    const c = this.carried;
    const t = this.timers;
    return {
      conversationId: c.conversationId,
      ...this.machine.snapshot(),
      skills: c.skills,
      pendingInbound: c.inbound.length,
      outbox: c.outbox.length,
      botVariables: c.botVariables,
      timers: { state: t.isSet('state'), offer: t.isSet('offer'), redistribute: t.isSet('redistribute') },
    };
  }

  // ---------- the main loop's turn ----------

  /** One turn under the lock: pending inbound, fired timers, then distribution. */
  async turn(): Promise<void> {
    if (this.batched) {
      if (this.carried.inbound.length > 0) await this.onInboundBatch(this.nextBatch());
    } else {
      while (this.carried.inbound.length > 0) await this.onInbound(this.carried.inbound.shift()!);
    }
    for (const name of this.timers.take()) await this.onTimer(name);
    if (this.nudged || this.redistribute) {
      this.nudged = false;
      this.redistribute = false;
      await this.distribute();
    }
  }

  /** The state continue-as-new carries into the next run. */
  carry(): CarriedState {
    const c = this.carried;
    c.machine = this.machine.snapshot();
    c.seen = [...this.seen].slice(-MAX_SEEN_REFERENCES);
    // Only runs with the batched path carry deadlines: runs carried by them resume the time left.
    if (this.batched) c.timers = this.timers.deadlines();
    return c;
  }

  // ---------- timers (conversation-timers.ts) ----------

  /** A run continued from an earlier one picks its timers up where they were. */
  resumeTimers(): void {
    timerSteps.resumeTimers(this);
  }
  onTimer(name: string): Promise<void> {
    return timerSteps.onTimer(this, name);
  }
  armStateTimer(): void {
    timerSteps.armStateTimer(this);
  }

  // ---------- inbound (conversation-inbound.ts) ----------

  onInboundBatch(batch: InboundSms[]): Promise<void> {
    return inbound.onInboundBatch(this, batch);
  }
  onInbound(message: InboundSms): Promise<void> {
    return inbound.onInbound(this, message);
  }
  nextBatch(): InboundSms[] {
    return inbound.nextBatch(this);
  }

  // ---------- updates (conversation-agent-actions.ts) ----------

  accept(a: Actor): Promise<UpdateAck> {
    return actions.accept(this, a);
  }
  reject(_a: Actor): Promise<UpdateAck> {
    return actions.reject(this);
  }
  pick(a: Actor): Promise<UpdateAck> {
    return actions.pick(this, a);
  }
  checkSend(a: Actor, body: { text: string }): void {
    actions.checkSend(this, a, body);
  }
  send(a: Actor, body: { text: string }): Promise<SendAck> {
    return actions.send(this, a, body);
  }
  wait(_a: Actor): Promise<UpdateAck> {
    return actions.wait(this);
  }
  end(_a: Actor): Promise<UpdateAck> {
    return actions.end(this);
  }
  close(_a: Actor): Promise<UpdateAck> {
    return actions.close(this);
  }
  transfer(a: Actor, target: { queueId?: string; agentId?: string }): Promise<UpdateAck> {
    return actions.transfer(this, a, target);
  }
  assign(_a: Actor, target: { agentId: string }): Promise<UpdateAck> {
    return actions.assign(this, target);
  }
  forceClose(_a: Actor): Promise<UpdateAck> {
    return actions.forceClose(this);
  }
  note(a: Actor, body: { text: string }): Promise<SendAck> {
    return actions.note(this, a, body);
  }
  checkStartByAgent(a: Actor, body: AgentStart): void {
    agentStart.checkStartByAgent(this, a, body);
  }
  startByAgent(a: Actor, body: AgentStart): Promise<SendAck> {
    return agentStart.startByAgent(this, a, body);
  }

  // ---------- shared steps (conversation-read-model.ts, conversation-routing.ts) ----------

  upsertAttributes(): void {
    readModel.upsertAttributes(this);
  }
  sync(extra: ConversationPatch = {}, notify: string[] = []): Promise<void> {
    return readModel.sync(this, extra, notify);
  }
  /** Writes what a batch deferred: one read-model sync and one state timer for the whole batch. */
  flushDeferred(): Promise<void> {
    return readModel.flushDeferred(this);
  }
  releaseHeldCapacity(): Promise<void> {
    return routing.releaseHeldCapacity(this);
  }
  withdrawOffer(): Promise<void> {
    return routing.withdrawOffer(this);
  }

  async enqueueAutomated(trigger: AutomatedTrigger, options: { bypassOptOut?: boolean } = {}): Promise<void> {
    const m = this.machine;
    if (m.data.optedOut && !options.bypassOptOut) return;
    this.service.noteAutomated(trigger);
    const messageId = uuid4();
    const queued = await this.db.queueAutomated({
      messageId,
      conversationId: this.conversationId,
      trigger,
      channelId: this.context?.channel.id ?? null,
      agentId: m.agentId ?? m.data.previousAgentId,
      queueId: m.data.queueId,
    });
    if (queued) this.outbox.push({ messageId, bypassOptOut: options.bypassOptOut ?? false });
  }

  async closeConversation(resolution: Resolution, notify: string[] = []): Promise<void> {
    await this.withdrawOffer();
    await this.releaseHeldCapacity();
    this.timers.cancel('redistribute');
    this.machine.close(resolution);
    await this.sync({}, notify);
    this.armStateTimer();
  }

  // ---------- routing and distribution (conversation-routing.ts) ----------

  classifyAndQueue(text: string): Promise<void> {
    return routing.classifyAndQueue(this, text);
  }
  distribute(): Promise<void> {
    return routing.distribute(this);
  }
  declineOffer(outcome: 'rejected' | 'timed_out'): Promise<void> {
    return routing.declineOffer(this, outcome);
  }
}
