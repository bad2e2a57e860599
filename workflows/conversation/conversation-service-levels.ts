import { patched, uuid4 } from '@temporalio/workflow';
import type { AutomatedTrigger } from '../../domain/automated-messages.js';
import { parseCsatReply } from '../../domain/csat.js';
import {
  nextSlaStep,
  SLA_DEFAULT_WARNING_PERCENT,
  SLA_KINDS,
  type SlaClock,
  type SlaKind,
  type SlaPolicy,
  slaKindOfTimer,
  slaTimerName,
  targetSeconds,
} from '../../domain/sla.js';
import type { ConversationState, InboundSms } from '../definitions.js';
import type { Conversation } from './conversation.js';

/*
 * What the conversation owes the customer and the desk beyond routing: the automated messages that follow from its
 * transitions (agent assigned, transfer accepted, nobody can be assigned, closed), the SLA clocks, and the CSAT
 * survey. It watches the machine at every read-model sync (the one place each transition passes) and is told of
 * the two things the machine does not see: a customer text and an agent reply. Its state rides in the carried
 * state, its timers are the conversation's named timers ("sla:<kind>", "csat"), so continue-as-new keeps both.
 * Versioning: each part is behind its own patch; runs without the markers behave as before.
 */

/** What this part of the run carries across continue-as-new (CarriedState.service). */
export type ServiceState = {
  /** The machine as last observed: transitions are what changed since. */
  seen: { state: ConversationState; queueId: string | null; agentId: string | null; withBot: boolean } | null;
  /** The agent the customer was last told about (agent_assigned / transfer_accepted are sent once per new agent). */
  announcedAgentId: string | null;
  /** A transfer started: the next agent to take the conversation is announced as transfer_accepted. */
  transferPending: boolean;
  /** The queue the customer was told nobody could be assigned in (once per queue). */
  unstaffedQueueId: string | null;
  /** Automated triggers sent in this turn (a close right after overflow_end announces nothing more). */
  sentThisTurn: AutomatedTrigger[];
  policy: SlaPolicy | null;
  policyQueueId: string | null;
  clocks: Partial<Record<SlaKind, SlaClock>>;
  /** Whether the first agent reply was given (later replies are next responses). */
  responded: boolean;
  /** A customer text is waiting for an agent reply. */
  unanswered: boolean;
  /** The open CSAT survey and the end of its window (workflow time). */
  survey: { id: string; until: number } | null;
};

const CSAT_TIMER = 'csat';

export class ServiceLevels {
  readonly triggersOn: boolean;
  readonly slaOn: boolean;
  readonly csatOn: boolean;

  constructor(private readonly conv: Conversation) {
    this.triggersOn = patched('automated-triggers');
    this.slaOn = patched('sla-clocks');
    this.csatOn = patched('csat-survey');
    // A run continued from one without this part starts observing where the machine is (nothing is re-announced).
    if (this.on && !conv.carried.service) {
      const d = conv.machine.data;
      this.s.seen = { state: d.state, queueId: d.queueId, agentId: d.agentId, withBot: d.withBot };
      this.s.announcedAgentId = d.agentId;
    }
  }

  private get on(): boolean {
    return this.triggersOn || this.slaOn || this.csatOn;
  }

  private get s(): ServiceState {
    const c = this.conv.carried;
    c.service ??= {
      seen: null,
      announcedAgentId: null,
      transferPending: false,
      unstaffedQueueId: null,
      sentThisTurn: [],
      policy: null,
      policyQueueId: null,
      clocks: {},
      responded: false,
      unanswered: false,
      survey: null,
    };
    return c.service;
  }

  /** The run must stay until the survey window ends (a reply within it is a rating, not a new conversation). */
  get holdsRun(): boolean {
    return this.csatOn && this.conv.carried.service?.survey != null;
  }

  noteAutomated(trigger: AutomatedTrigger): void {
    if (this.on) this.s.sentThisTurn.push(trigger);
  }

  /** The agent started the conversation (texted first): the customer is not told an agent was assigned. */
  agentStarted(agentId: string): void {
    if (this.triggersOn) {
      this.s.announcedAgentId = agentId;
      this.s.transferPending = false;
    }
  }

  transferStarted(): void {
    if (this.triggersOn) this.s.transferPending = true;
  }

  // ---------- the machine's transitions (called by Conversation.sync) ----------

  async observe(): Promise<void> {
    if (!this.on) return;
    const s = this.s;
    const d = this.conv.machine.data;
    const prev = s.seen ?? { state: 'open', queueId: null, agentId: null, withBot: false };
    s.seen = { state: d.state, queueId: d.queueId, agentId: d.agentId, withBot: d.withBot };

    if (d.queueId && d.queueId !== prev.queueId) await this.onQueue(d.queueId);
    if (this.slaOn && d.withBot && !prev.withBot) this.dropResponseClock();
    if (this.slaOn && prev.withBot && !d.withBot && s.unanswered && !this.responseClock() && this.isOpenWork()) {
      await this.startResponseClock();
    }

    if (d.state === 'active' && d.agentId && d.agentId !== s.announcedAgentId && this.triggersOn) {
      const trigger = s.transferPending && s.announcedAgentId !== null ? 'transfer_accepted' : 'agent_assigned';
      s.announcedAgentId = d.agentId;
      s.transferPending = false;
      await this.conv.enqueueAutomated(trigger);
    }

    if (d.state === 'wrap_up' && prev.state !== 'wrap_up') {
      await this.stopResponseClock();
      await this.stopClock('resolution', 'met');
      await this.sendSurvey();
    }
    if (d.state === 'closed' && prev.state !== 'closed') await this.onClosed(prev);
    if (d.state === 'open' && (prev.state === 'closed' || prev.state === 'wrap_up')) {
      // Reopened: a new resolution clock (the response clock starts with the text that reopened it).
      this.closeSurvey();
      await this.startClock('resolution');
    }
    s.sentThisTurn = [];
  }

  private async onClosed(prev: NonNullable<ServiceState['seen']>): Promise<void> {
    const s = this.s;
    const d = this.conv.machine.data;
    await this.stopResponseClock();
    await this.stopClock('resolution', d.resolution === 'resolved' ? 'met' : 'stopped');
    // Closed after wrap-up: the customer already heard that the agent ended it. A keyword on its own (never routed,
    // no bot) is not a conversation. After overflow_end or out_of_hours the customer was already told.
    const keywordOnly = prev.state === 'open' && !prev.withBot && !d.routed;
    const told = s.sentThisTurn.some((t) => t === 'overflow_end' || t === 'out_of_hours');
    if (this.triggersOn && prev.state !== 'wrap_up' && !keywordOnly && !told && this.conv.context) {
      await this.conv.enqueueAutomated('conversation_closed');
    }
  }

  /** Routed (or transferred) to a queue: its SLA targets apply, and a queue without members is announced. */
  private async onQueue(queueId: string): Promise<void> {
    const s = this.s;
    const needStaffing = this.triggersOn && s.unstaffedQueueId !== queueId;
    const needPolicy = this.slaOn && s.policyQueueId !== queueId;
    // Both look-ups in one local activity (runs with the lean-turns patch); older runs ask twice.
    const facts = this.conv.lean && needStaffing && needPolicy ? await this.conv.db.queueFacts({ queueId }) : null;
    if (needStaffing) {
      const staffing = facts ?? (await this.conv.db.queueStaffing({ queueId }));
      if (staffing.members === 0) {
        s.unstaffedQueueId = queueId;
        await this.conv.enqueueAutomated('agent_could_not_be_assigned');
      }
    }
    if (!needPolicy) return;
    s.policyQueueId = queueId;
    s.policy = facts ? facts.policy : await this.conv.db.loadSlaPolicy({ queueId });
    // Clocks already running keep their start and take the new queue's targets.
    for (const kind of SLA_KINDS) {
      const clock = s.clocks[kind];
      if (!clock) continue;
      clock.targetMs = this.targetMs(kind);
      await this.armClock(kind, 'started');
    }
    // A text that waits for an agent (e.g. after the bot handed over) starts its clock now.
    if (s.unanswered && !this.responseClock() && !this.conv.machine.data.withBot) await this.startResponseClock();
    if (!s.clocks.resolution && this.isOpenWork()) await this.startClock('resolution');
  }

  // ---------- what the machine does not see ----------

  /**
   * A customer text (not a keyword), before it reopens or re-routes anything. Returns true when it was the answer
   * to the open survey: stored, thanked once, and nothing else happens.
   */
  async onCustomerText(message: InboundSms): Promise<boolean> {
    if (!this.on) return false;
    const s = this.s;
    if (this.csatOn && s.survey) {
      const rating = Date.now() < s.survey.until ? parseCsatReply(message.text) : null;
      if (rating !== null) {
        const answered = await this.conv.db.answerCsat({
          surveyId: s.survey.id,
          rating,
          answer: message.text.slice(0, 200),
          at: new Date().toISOString(),
        });
        if (answered.first) await this.conv.enqueueAutomated('csat_thanks');
        return true;
      }
      // Anything else ends the survey and goes on as today (reopen, re-route).
      this.closeSurvey();
    }
    if (!this.slaOn) return false;
    const d = this.conv.machine.data;
    // Waits on us: open work, or a closed conversation this text reopens (not wrap-up, not force-closed).
    const reopens = d.state === 'closed' && d.resolution !== 'force_closed';
    if (!this.isOpenWork() && !reopens) return false;
    s.unanswered = true;
    if (!d.withBot && !this.responseClock()) await this.startResponseClock();
    if (!s.clocks.resolution && !reopens) await this.startClock('resolution');
    return false;
  }

  /** An agent replied to the customer: the running response clock is met. */
  async onAgentReply(agentId: string): Promise<void> {
    if (!this.slaOn) return;
    const s = this.s;
    s.unanswered = false;
    const kind = this.responseClock();
    if (!kind) return;
    await this.stopClock(kind, 'met', agentId);
    s.responded = true;
  }

  /** A named timer of this part fired; false when the name is not ours. */
  async onTimer(name: string): Promise<boolean> {
    if (name === CSAT_TIMER) {
      this.closeSurvey();
      return true;
    }
    const kind = slaKindOfTimer(name);
    if (!kind) return false;
    const clock = this.s.clocks[kind];
    const step = clock ? nextSlaStep(clock, this.warningPercent()) : null;
    if (!clock || !step) return true;
    if (step.event === 'warning') clock.warned = true;
    else clock.breached = true;
    await this.record(kind, clock, step.event);
    this.armTimer(kind);
    return true;
  }

  // ---------- SLA clocks ----------

  private isOpenWork(): boolean {
    const st = this.conv.machine.state;
    return st === 'open' || st === 'active' || st === 'waiting';
  }

  private responseClock(): SlaKind | null {
    const c = this.s.clocks;
    return c.first_response ? 'first_response' : c.next_response ? 'next_response' : null;
  }

  private warningPercent(): number {
    return this.s.policy?.warningPercent ?? SLA_DEFAULT_WARNING_PERCENT;
  }

  private targetMs(kind: SlaKind): number | null {
    const seconds = this.s.policy ? targetSeconds(this.s.policy, kind) : null;
    return seconds === null ? null : seconds * 1000;
  }

  private startResponseClock(): Promise<void> {
    return this.startClock(this.s.responded ? 'next_response' : 'first_response');
  }

  private async startClock(kind: SlaKind): Promise<void> {
    if (!this.slaOn || this.s.clocks[kind]) return;
    this.s.clocks[kind] = { startedAt: Date.now(), targetMs: this.targetMs(kind), warned: false, breached: false };
    await this.armClock(kind, 'started');
  }

  /** Records the clock's (new) due time when it has a target, and arms its next threshold. */
  private async armClock(kind: SlaKind, event: 'started'): Promise<void> {
    const clock = this.s.clocks[kind]!;
    if (clock.targetMs !== null) await this.record(kind, clock, event);
    this.armTimer(kind);
  }

  private armTimer(kind: SlaKind): void {
    const clock = this.s.clocks[kind];
    const step = clock ? nextSlaStep(clock, this.warningPercent()) : null;
    if (step) this.conv.timers.set(slaTimerName(kind), step.at - Date.now());
    else this.conv.timers.cancel(slaTimerName(kind));
  }

  /** A clock ends: met (measured) or stopped (nothing to measure, e.g. closed without a reply). */
  private async stopClock(kind: SlaKind, how: 'met' | 'stopped', agentId?: string | null): Promise<void> {
    const clock = this.s.clocks[kind];
    if (!clock) return;
    delete this.s.clocks[kind];
    this.conv.timers.cancel(slaTimerName(kind));
    if (how === 'met' || clock.targetMs !== null) await this.record(kind, clock, how, agentId);
  }

  private async stopResponseClock(): Promise<void> {
    const kind = this.responseClock();
    if (kind) await this.stopClock(kind, 'stopped');
    this.s.unanswered = false;
  }

  /** The bot answers now: nobody waits on an agent, and the clock starts again when it hands over. */
  private dropResponseClock(): void {
    const kind = this.responseClock();
    if (!kind) return;
    delete this.s.clocks[kind];
    this.conv.timers.cancel(slaTimerName(kind));
  }

  private record(
    kind: SlaKind,
    clock: SlaClock,
    event: 'started' | 'warning' | 'breached' | 'met' | 'stopped',
    agentId?: string | null,
  ): Promise<void> {
    const d = this.conv.machine.data;
    return this.conv.db.recordSlaEvent({
      conversationId: this.conv.conversationId,
      kind,
      event,
      at: new Date().toISOString(),
      startedAt: new Date(clock.startedAt).toISOString(),
      targetSeconds: clock.targetMs === null ? null : clock.targetMs / 1000,
      queueId: d.queueId,
      agentId: agentId ?? d.agentId ?? d.previousAgentId,
    });
  }

  // ---------- CSAT ----------

  private async sendSurvey(): Promise<void> {
    const csat = this.conv.context?.channel.csat;
    const d = this.conv.machine.data;
    if (!this.csatOn || !csat?.enabled || d.optedOut || !d.agentId) return;
    const id = uuid4();
    const windowMs = csat.windowMinutes * 60_000;
    const now = Date.now();
    await this.conv.db.openCsatSurvey({
      surveyId: id,
      conversationId: this.conv.conversationId,
      channelId: this.conv.context?.channel.id ?? null,
      queueId: d.queueId,
      agentId: d.agentId,
      sentAt: new Date(now).toISOString(),
      expiresAt: new Date(now + windowMs).toISOString(),
    });
    await this.conv.enqueueAutomated('csat_survey');
    this.s.survey = { id, until: now + windowMs };
    this.conv.timers.set(CSAT_TIMER, windowMs);
  }

  private closeSurvey(): void {
    if (!this.conv.carried.service?.survey) return;
    this.s.survey = null;
    this.conv.timers.cancel(CSAT_TIMER);
  }
}
