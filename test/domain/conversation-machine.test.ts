import { describe, expect, it } from 'vitest';
import { type Actor, ConversationMachine, TextError, TransitionError } from '../../domain/conversation-machine.js';

const alice: Actor = { userId: 'alice', role: 'agent' };
const bob: Actor = { userId: 'bob', role: 'agent' };
const sue: Actor = { userId: 'sue', role: 'supervisor' };

function offered(to = 'alice') {
  const m = new ConversationMachine();
  m.routedTo('q1');
  m.offerTo({ offerId: 'o1', agentId: to, reservationKey: 'r1' });
  return m;
}
function active() {
  const m = offered();
  m.accept('alice');
  return m;
}
function expectError(fn: () => void, kind: string, state: string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TransitionError);
    expect((err as TransitionError).kind).toBe(kind);
    expect((err as TransitionError).state).toBe(state);
    return;
  }
  expect.unreachable('expected a TransitionError');
}

describe('ConversationMachine', () => {
  it('starts open, unrouted, with no owner', () => {
    const m = new ConversationMachine();
    expect(m.data).toMatchObject({ state: 'open', agentId: null, routed: false, resolution: null });
  });

  it('open → active when the offered agent accepts', () => {
    const m = offered();
    m.checkAccept(alice);
    m.accept('alice');
    expect(m.data).toMatchObject({ state: 'active', agentId: 'alice', offer: null, reservationKey: 'r1' });
  });

  it('refuses accept from an agent the conversation was not offered to (NotYours)', () => {
    expectError(() => offered().checkAccept(bob), 'NotYours', 'open');
  });

  it('a decline counts against the agent and clears the offer and reservation', () => {
    const m = offered();
    const offer = m.decline();
    expect(offer.agentId).toBe('alice');
    expect(m.data).toMatchObject({ state: 'open', offer: null, reservationKey: null, declines: { alice: 1 } });
    m.offerTo({ offerId: 'o2', agentId: 'alice', reservationKey: 'r2' });
    m.decline();
    m.offerTo({ offerId: 'o3', agentId: 'alice', reservationKey: 'r3' });
    m.decline();
    expect(m.exhaustedAgents(3)).toEqual(['alice']);
    expect(m.exhaustedAgents(4)).toEqual([]);
  });

  it('active → waiting releases capacity and keeps the owner', () => {
    const m = active();
    m.checkWait(alice);
    m.wait();
    expect(m.data).toMatchObject({ state: 'waiting', agentId: 'alice', reservationKey: null });
  });

  it('waiting → open when the customer texts, remembering the previous agent', () => {
    const m = active();
    m.wait();
    expect(m.customerTexted()).toBe(true);
    expect(m.data).toMatchObject({ state: 'open', agentId: null, previousAgentId: 'alice', declines: {} });
  });

  it('active → wrap_up on end with resolution resolved, then closed on close', () => {
    const m = active();
    m.checkEnd(alice);
    m.end();
    expect(m.data).toMatchObject({ state: 'wrap_up', resolution: 'resolved' });
    m.checkClose(alice);
    m.close('resolved');
    expect(m.data).toMatchObject({ state: 'closed', resolution: 'resolved', reservationKey: null });
  });

  it('waiting → wrap_up on end, or waiting → closed on close, by the owner only (D365 "My work items")', () => {
    const ended = active();
    ended.wait();
    expectError(() => ended.checkEnd(bob), 'NotYours', 'waiting');
    ended.checkEnd(alice);
    ended.end();
    expect(ended.data).toMatchObject({ state: 'wrap_up', resolution: 'resolved', agentId: 'alice' });
    const closed = active();
    closed.wait();
    expectError(() => closed.checkClose(bob), 'NotYours', 'waiting');
    closed.checkClose(alice);
    closed.close('resolved');
    expect(closed.data).toMatchObject({ state: 'closed', resolution: 'resolved' });
  });

  it('close is refused while active (end first, or wait)', () => {
    expectError(() => active().checkClose(alice), 'InvalidTransition', 'active');
  });

  it('closed → open again when the customer texts inside the reopen window', () => {
    const m = active();
    m.end();
    m.close('resolved');
    expect(m.customerTexted()).toBe(true);
    expect(m.data).toMatchObject({ state: 'open', resolution: null, previousAgentId: 'alice', agentId: null });
  });

  it('a force-closed conversation is never reopened', () => {
    const m = active();
    m.checkForceClose(sue);
    m.close('force_closed');
    expect(m.customerTexted()).toBe(false);
    expect(m.state).toBe('closed');
  });

  it('only supervisors force close and assign', () => {
    expectError(() => active().checkForceClose(alice), 'NotYours', 'active');
    expectError(() => active().checkAssign(bob), 'NotYours', 'active');
    expect(() => active().checkAssign(sue)).not.toThrow();
  });

  it('names the current state when an action is not allowed', () => {
    expectError(() => offered().checkEnd(alice), 'InvalidTransition', 'open');
    expectError(() => active().checkClose(alice), 'InvalidTransition', 'active');
    const closed = active();
    closed.end();
    closed.close('resolved');
    expectError(() => closed.checkSend(alice, 'hi'), 'InvalidTransition', 'closed');
    expectError(() => closed.checkForceClose(sue), 'InvalidTransition', 'closed');
  });

  it('only the owner may reply; the text must be 1..1600 characters', () => {
    const m = active();
    expectError(() => m.checkSend(bob, 'hi'), 'NotYours', 'active');
    expect(() => m.checkSend(alice, '   ')).toThrow(TextError);
    expect(() => m.checkSend(alice, 'x'.repeat(1601))).toThrow(/at most 1600/);
    expect(() => m.checkSend(alice, 'x'.repeat(1600))).not.toThrow();
    // Emoji count as one character each, as people count them.
    expect(() => m.checkSend(alice, '😀'.repeat(1600))).not.toThrow();
  });

  it('transfer to a queue puts it back in the queue without an owner', () => {
    const m = active();
    m.checkTransfer(alice, { queueId: 'q2' });
    m.requeue('q2');
    expect(m.data).toMatchObject({ state: 'open', queueId: 'q2', agentId: null, previousAgentId: 'alice' });
  });

  it('transfer needs exactly one target and the owner or a supervisor', () => {
    expect(() => active().checkTransfer(alice, {})).toThrow(/exactly one/);
    expect(() => active().checkTransfer(alice, { queueId: 'a', agentId: 'b' })).toThrow(/exactly one/);
    expectError(() => active().checkTransfer(bob, { queueId: 'q2' }), 'NotYours', 'active');
    expect(() => active().checkTransfer(sue, { agentId: 'bob' })).not.toThrow();
  });

  it('pick is for pick-mode workstreams (or supervisors), and for the owner reviving a waiting conversation', () => {
    const m = new ConversationMachine();
    m.routedTo('q1');
    expectError(() => m.checkPick(alice, 'push'), 'InvalidTransition', 'open');
    expect(() => m.checkPick(alice, 'pick')).not.toThrow();
    const w = active();
    w.wait();
    expect(() => w.checkPick(alice, 'push')).not.toThrow();
    expectError(() => w.checkPick(bob, 'push'), 'NotYours', 'waiting');
  });

  it('the bot phase blocks picking until the bot escalates', () => {
    const m = new ConversationMachine();
    m.startBot();
    expectError(() => m.checkPick(alice, 'pick'), 'InvalidTransition', 'open');
    m.botEscalated();
    expect(() => m.checkPick(alice, 'pick')).not.toThrow();
  });

  it('round-trips through a snapshot (continue-as-new carries it)', () => {
    const m = active();
    const copy = new ConversationMachine(m.snapshot());
    expect(copy.data).toEqual(m.data);
    copy.wait();
    expect(m.state).toBe('active');
  });
});

describe('agent-started conversations', () => {
  const ana = { userId: 'ana', role: 'agent' as const };
  const ben = { userId: 'ben', role: 'agent' as const };

  it('may start on a new, closed or own conversation, not on another agent’s or one in wrap-up', () => {
    const m = new ConversationMachine();
    expect(() => m.checkStartByAgent(ana)).not.toThrow();
    m.routedTo('q1');
    m.assignTo('ana', 'k1');
    expect(() => m.checkStartByAgent(ana)).not.toThrow();
    expect(() => m.checkStartByAgent(ben)).toThrow(/another agent/);
    m.end();
    expect(() => m.checkStartByAgent(ana)).toThrow(/wrap-up/);
    m.close('resolved');
    expect(() => m.checkStartByAgent(ben)).not.toThrow();
    m.reopenForAgent();
    expect(m.data).toMatchObject({ state: 'open', resolution: null, agentId: null, previousAgentId: 'ana' });
  });
});
