import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  evaluateRouting,
  type RoutingContext,
  type RoutingRuleInput,
  regexError,
} from '../../domain/routing-evaluator.js';

const ctx = (
  over: Partial<{ text: string; number: string; tags: string[]; language: string; bot: Record<string, string> }> = {},
): RoutingContext => ({
  message: { text: over.text ?? 'I have a question about my bill' },
  customer: { number: over.number ?? '359888123456', tags: over.tags ?? [] },
  channel: { number: '14252306549', language: over.language ?? 'en' },
  ...(over.bot ? { bot: over.bot } : {}),
});

let n = 0;
const rule = (
  order: number,
  conditions: RoutingRuleInput['conditions'],
  extra: Partial<RoutingRuleInput> = {},
): RoutingRuleInput => ({
  id: `r${++n}`,
  name: `rule ${order}`,
  order,
  conditions,
  queueId: `q-${order}`,
  priority: null,
  skills: [],
  ...extra,
});

const cond = (field: string, operator: string, value: string) => ({ field, operator, value });

describe('evaluateRouting', () => {
  it('falls back to the default queue when no rule matches, with a trace of every rule tried', () => {
    const d = evaluateRouting([rule(1, [cond('message.text', 'contains', 'refund')])], ctx(), 'default');
    expect(d.queueId).toBe('default');
    expect(d.matchedRuleId).toBeNull();
    expect(d.priority).toBe(0);
    expect(d.skills).toEqual([]);
    expect(d.trace.rules).toHaveLength(1);
    expect(d.trace.rules[0]).toMatchObject({ matched: false, order: 1 });
    expect(d.trace.rules[0]!.reasons[0]).toMatch(/message\.text .* contains "refund": no/);
  });

  it('the first match by order wins, regardless of input order', () => {
    const late = rule(20, [cond('message.text', 'contains', 'bill')]);
    const early = rule(10, [cond('message.text', 'contains', 'question')]);
    const d = evaluateRouting([late, early], ctx(), 'default');
    expect(d.matchedRuleId).toBe(early.id);
    expect(d.queueId).toBe('q-10');
    // evaluation stops at the winner
    expect(d.trace.rules.map((r) => r.order)).toEqual([10]);
  });

  it('carries the winning rule priority and skills', () => {
    const r = rule(1, [cond('customer.tag', 'equals', 'vip')], { priority: 5, skills: ['billing', 'bg'] });
    const d = evaluateRouting([r], ctx({ tags: ['new', 'VIP'] }), 'default');
    expect(d).toMatchObject({ queueId: 'q-1', priority: 5, skills: ['billing', 'bg'], matchedRuleId: r.id });
    expect(d.trace).toMatchObject({ matchedRuleId: r.id, queueId: 'q-1', priority: 5 });
  });

  it('compares message text case-insensitively for equals and contains', () => {
    expect(evaluateRouting([rule(1, [cond('message.text', 'contains', 'BILL')])], ctx(), 'd').queueId).toBe('q-1');
    expect(
      evaluateRouting([rule(1, [cond('message.text', 'equals', 'help')])], ctx({ text: 'HELP' }), 'd').queueId,
    ).toBe('q-1');
  });

  it('requires all conditions of a rule and names the failing one', () => {
    const r = rule(1, [cond('channel.language', 'equals', 'en'), cond('customer.number', 'startsWith', '44')]);
    const d = evaluateRouting([r], ctx(), 'd');
    expect(d.queueId).toBe('d');
    expect(d.trace.rules[0]!.reasons).toHaveLength(2);
    expect(d.trace.rules[0]!.reasons[1]).toMatch(/customer\.number "359888123456" startsWith "44": no/);
  });

  it('supports every operator', () => {
    const cases: [string, string, string, boolean][] = [
      ['customer.number', 'startsWith', '359', true],
      ['customer.number', 'startsWith', '+359', true],
      ['customer.number', 'in', '+44777, +359888123456', true],
      ['customer.number', 'matches', '^359\\d+$', true],
      ['customer.number', 'endsWith', '456', true],
      ['customer.number', 'notEquals', '359888123456', false],
      ['channel.number', 'equals', '14252306549', true],
      ['channel.language', 'in', 'bg, en ,fr', true],
      ['channel.language', 'in', 'bg,fr', false],
      ['message.text', 'matches', '\\bbill(ing)?\\b', true],
      ['message.text', 'matches', '^refund', false],
      ['message.text', 'notEquals', 'hello', true],
    ];
    for (const [field, op, value, expected] of cases) {
      const d = evaluateRouting([rule(1, [cond(field, op, value)])], ctx(), 'd');
      expect(d.queueId === 'q-1', `${field} ${op} ${value}`).toBe(expected);
    }
  });

  it('treats customer tags as a set', () => {
    const r = (op: string, v: string) => [rule(1, [cond('customer.tag', op, v)])];
    expect(evaluateRouting(r('equals', 'vip'), ctx({ tags: ['a', 'vip'] }), 'd').queueId).toBe('q-1');
    expect(evaluateRouting(r('notEquals', 'vip'), ctx({ tags: ['a', 'vip'] }), 'd').queueId).toBe('d');
    expect(evaluateRouting(r('notEquals', 'vip'), ctx({ tags: ['a'] }), 'd').queueId).toBe('q-1');
    expect(evaluateRouting(r('equals', 'vip'), ctx({ tags: [] }), 'd').queueId).toBe('d');
  });

  it('routes on bot-collected variables, a missing one reading as empty', () => {
    const rules = [rule(1, [cond('bot.BotHandoffTopic', 'equals', 'CreditCard')])];
    expect(evaluateRouting(rules, ctx({ bot: { BotHandoffTopic: 'creditcard' } }), 'd').queueId).toBe('q-1');
    expect(evaluateRouting(rules, ctx(), 'd').queueId).toBe('d');
    expect(evaluateRouting([rule(1, [cond('bot.Topic', 'equals', '')])], ctx(), 'd').queueId).toBe('q-1');
  });

  it('a rule without conditions always matches', () => {
    const d = evaluateRouting([rule(1, [])], ctx(), 'd');
    expect(d.queueId).toBe('q-1');
    expect(d.trace.rules[0]!.reasons).toEqual(['no conditions: always matches']);
  });

  it('never matches an invalid regex or an unknown field or operator, and does not throw', () => {
    for (const c of [
      cond('message.text', 'matches', '('),
      cond('message.body', 'equals', 'x'),
      cond('message.text', 'like', 'x'),
    ]) {
      expect(evaluateRouting([rule(1, [c])], ctx(), 'd').queueId).toBe('d');
    }
  });

  it('is deterministic and does not mutate its inputs', () => {
    const rules = [
      rule(2, [cond('message.text', 'contains', 'bill')], { skills: ['a'] }),
      rule(1, [cond('message.text', 'contains', 'zzz')]),
    ];
    const copy = structuredClone(rules);
    const a = evaluateRouting(rules, ctx(), 'd');
    const b = evaluateRouting(rules, ctx(), 'd');
    expect(a).toEqual(b);
    expect(rules).toEqual(copy);
    a.skills.push('mutated');
    expect(rules[0]!.skills).toEqual(['a']);
  });

  it('regexError reports invalid patterns only', () => {
    expect(regexError('^a+$')).toBeNull();
    expect(regexError('(')).toMatch(/missing closing \)/);
  });

  it('refuses what RE2 cannot do in linear time: backreferences and lookaround', () => {
    expect(regexError('(a)\\1')).toMatch(/invalid escape sequence/);
    expect(regexError('a(?=b)')).toMatch(/unsupported Perl syntax/);
    expect(regexError('(?<!a)b')).not.toBeNull();
  });
});

describe('routing regexes run in linear time (ReDoS)', () => {
  // Catastrophic patterns for a backtracking engine; each text ends in a character that makes the match fail.
  const cases: [string, string][] = [
    ['(a+)+$', `${'a'.repeat(1599)}!`],
    ['^(\\w+\\s?)*$', `${'ab '.repeat(533)}!`],
    ['(x+x+)+y', 'x'.repeat(1600)],
  ];
  for (const [pattern, text] of cases) {
    it(`${pattern} on a ${text.length}-character text decides in well under 50 ms`, () => {
      expect(text.length).toBe(1600);
      const rules = [rule(1, [cond('message.text', 'matches', pattern)])];
      evaluateRouting(rules, ctx({ text }), 'd'); // compile once, as the cache does for a saved rule
      const runs: number[] = [];
      let decision: ReturnType<typeof evaluateRouting> | undefined;
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        decision = evaluateRouting(rules, ctx({ text }), 'd');
        runs.push(performance.now() - t0);
      }
      runs.sort((a, b) => a - b);
      expect(decision!.matchedRuleId).toBeNull();
      expect(runs[3]!).toBeLessThan(50);
    });
  }

  it('still matches what those patterns describe', () => {
    const d = evaluateRouting(
      [rule(1, [cond('message.text', 'matches', '^(\\w+\\s?)*$')])],
      ctx({ text: 'Where is my order' }),
      'd',
    );
    expect(d.matchedRuleId).not.toBeNull();
  });
});

describe('workflow-safe domain modules', () => {
  // Temporal's workflow sandbox rejects node: modules and anything with I/O; only type imports may reach outside.
  for (const file of ['domain/routing-evaluator.ts', 'domain/automated-messages.ts', 'domain/phone-number.ts']) {
    it(`${file} has no runtime imports`, () => {
      const src = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      // re2js is pure, deterministic JavaScript (no I/O, no clock), so it may load in the sandbox.
      const runtimeImports = src
        .split('\n')
        .filter((l) => /^import\s/.test(l) && !/^import type\s/.test(l) && !/from 're2js';$/.test(l));
      expect(runtimeImports).toEqual([]);
      expect(src).not.toMatch(/Date\.now|new Date\(|Math\.random|process\./);
    });
  }
});
