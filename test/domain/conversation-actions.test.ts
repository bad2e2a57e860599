import { describe, expect, it } from 'vitest';
import { type ActionFacts, allowedActions } from '../../domain/conversation-actions.js';

const alice = { userId: 'alice', role: 'agent' as const };
const bob = { userId: 'bob', role: 'agent' as const };
const sup = { userId: 'sue', role: 'supervisor' as const };

const facts = (over: Partial<ActionFacts>): ActionFacts => ({
  state: 'active',
  agentId: 'alice',
  offeredAgentId: null,
  withBot: false,
  optedOut: false,
  distributionMode: 'push',
  inPickBacklog: false,
  ...over,
});

describe('allowedActions: what the workspace shows is what the machine accepts', () => {
  it('the owner of an active conversation may reply, wait, end, transfer and note, but not close', () => {
    expect(allowedActions(facts({}), alice)).toEqual(['send', 'wait', 'end', 'transfer', 'note']);
  });

  it('the owner of a waiting conversation may reply, end, close, transfer and note (no wait again)', () => {
    expect(allowedActions(facts({ state: 'waiting' }), alice)).toEqual(['send', 'end', 'close', 'transfer', 'note']);
  });

  it('in wrap-up the owner may only close and note', () => {
    expect(allowedActions(facts({ state: 'wrap_up' }), alice)).toEqual(['close', 'note']);
  });

  it('an offer: the offered agent may accept, reject and note; another agent nothing', () => {
    const offered = facts({ state: 'open', agentId: null, offeredAgentId: 'alice' });
    expect(allowedActions(offered, alice)).toEqual(['accept', 'reject', 'note']);
    expect(allowedActions(offered, bob)).toEqual([]);
  });

  it('an opted-out customer cannot be replied to', () => {
    expect(allowedActions(facts({ optedOut: true }), alice)).not.toContain('send');
  });

  it('pick only from the agent’s own pick backlog, never while the bot has it', () => {
    const open = facts({ state: 'open', agentId: null, distributionMode: 'pick' });
    expect(allowedActions({ ...open, inPickBacklog: true }, alice)).toEqual(['pick']);
    expect(allowedActions(open, alice)).toEqual([]);
    expect(allowedActions({ ...open, inPickBacklog: true, withBot: true }, alice)).toEqual([]);
  });

  it('supervisors transfer, assign and force close others’ conversations, but do not reply in them', () => {
    expect(allowedActions(facts({}), sup)).toEqual(['transfer', 'note', 'assign', 'force-close']);
    expect(allowedActions(facts({ state: 'wrap_up' }), sup)).toEqual(['close', 'note', 'force-close']);
  });

  it('a closed conversation takes no action from anyone', () => {
    expect(allowedActions(facts({ state: 'closed' }), alice)).toEqual([]);
    expect(allowedActions(facts({ state: 'closed' }), sup)).toEqual([]);
  });
});
