import { RE2JS } from 're2js';
import type { RoutingTrace } from '../db/schema/conversations.js';

/**
 * Route-to-queue evaluation (docs/domain.md, "The conversation model"), pure and deterministic so it runs inside
 * Temporal workflow code:
 * no I/O, no node: imports, no clock (the caller stamps `trace.at`).
 *
 * Choices:
 * - Rules are tried in ascending `order` (ties broken by id, so the outcome never depends on input order);
 *   the first rule whose conditions ALL hold wins. A rule with no conditions always matches (a catch-all).
 * - No rule matches → the workstream's default queue, priority 0, no skills.
 * - Text comparisons ignore case (SMS is typed on phones: "Billing", "billing" and "BILLING" mean the same).
 *   Numbers are digits only, so case is moot; a "+" in a number rule's value is ignored (except in `matches` patterns).
 * - `matches` compiles the value with RE2 semantics (re2js, case-insensitive): matching time is linear in the text,
 *   so no pattern an admin saves can stall the worker or the API on a customer's SMS (JavaScript's backtracking
 *   RegExp takes exponential time on `(a+)+$`). RE2 has no backreferences or lookaround; the API refuses such
 *   patterns at save time, and one that still fails to compile (an old row) never matches.
 * - `in` takes a comma-separated list ("bg, fr, de"), items trimmed; it matches when the value equals any item.
 * - `customer.tag` is a set: positive operators match when ANY tag satisfies them; `notEquals` matches when NO
 *   tag equals the value.
 * - A missing `bot.<var>` reads as the empty string (as unknown context variables do in automated messages).
 */

export const ROUTING_FIELDS = [
  'message.text',
  'customer.number',
  'channel.number',
  'channel.language',
  'customer.tag',
] as const;
export const ROUTING_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'in',
] as const;
export type RoutingOperator = (typeof ROUTING_OPERATORS)[number];

/** Bot-collected context variables are addressed as `bot.<name>` (alphanumeric and underscore, as in D365). */
export const BOT_FIELD = /^bot\.[A-Za-z0-9_]{1,64}$/;

export type RoutingConditionInput = { field: string; operator: string; value: string };
export type RoutingRuleInput = {
  id: string;
  name: string;
  order: number;
  conditions: RoutingConditionInput[];
  queueId: string;
  priority: number | null;
  skills: string[];
};
export type RoutingContext = {
  message: { text: string };
  customer: { number: string; tags: string[] };
  channel: { number: string; language: string };
  bot?: Record<string, string>;
};
export type RoutingDecision = {
  queueId: string;
  priority: number;
  skills: string[];
  matchedRuleId: string | null;
  trace: RoutingTrace;
};

export function isRoutingField(field: string): boolean {
  return (ROUTING_FIELDS as readonly string[]).includes(field) || BOT_FIELD.test(field);
}

/** Compiled patterns, bounded: rules are few, but a dry run may try any pattern. Deterministic (no clock). */
const compiled = new Map<string, RE2JS | Error>();
const COMPILED_MAX = 1000;

function compileRegex(pattern: string): RE2JS | Error {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  let result: RE2JS | Error;
  try {
    result = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, result);
  return result;
}

/** Returns null when the pattern compiles under RE2 semantics, else the engine's message (the API's 422 reason). */
export function regexError(pattern: string): string | null {
  const re = compileRegex(pattern);
  return re instanceof Error ? re.message : null;
}

/** `matches`: true when the pattern occurs anywhere in the text (like RegExp.test), in time linear in the text. */
export function regexMatches(pattern: string, text: string): boolean {
  const re = compileRegex(pattern);
  return re instanceof Error ? false : re.matcher(text).find();
}

function fieldValues(field: string, ctx: RoutingContext): string[] {
  switch (field) {
    case 'message.text':
      return [ctx.message.text];
    case 'customer.number':
      return [ctx.customer.number];
    case 'channel.number':
      return [ctx.channel.number];
    case 'channel.language':
      return [ctx.channel.language];
    case 'customer.tag':
      return ctx.customer.tags;
    default:
      if (BOT_FIELD.test(field)) return [ctx.bot?.[field.slice(4)] ?? ''];
      return [];
  }
}

const isNumberField = (field: string) => field === 'customer.number' || field === 'channel.number';
const fold = (s: string) => s.toLowerCase();

function test(operator: string, actual: string, value: string): boolean {
  const a = fold(actual);
  const v = fold(value);
  switch (operator) {
    case 'equals':
      return a === v;
    case 'notEquals':
      return a !== v;
    case 'contains':
      return a.includes(v);
    case 'startsWith':
      return a.startsWith(v);
    case 'endsWith':
      return a.endsWith(v);
    case 'in':
      return v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0)
        .includes(a);
    case 'matches':
      return regexMatches(value, actual);
    default:
      return false;
  }
}

const show = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** One condition: whether it holds and a human sentence saying why. */
function evaluateCondition(c: RoutingConditionInput, ctx: RoutingContext): { ok: boolean; reason: string } {
  if (!isRoutingField(c.field)) return { ok: false, reason: `${c.field} is not a known field: no match` };
  if (!(ROUTING_OPERATORS as readonly string[]).includes(c.operator)) {
    return { ok: false, reason: `${c.operator} is not a known operator: no match` };
  }
  // Numbers are stored without "+"; drop any "+" an admin typed (every list item of `in`), but never in a regex.
  const value = isNumberField(c.field) && c.operator !== 'matches' ? c.value.replace(/\+/g, '') : c.value;
  const actuals = fieldValues(c.field, ctx);
  let ok: boolean;
  if (c.field === 'customer.tag') {
    ok =
      c.operator === 'notEquals'
        ? actuals.every((t) => test('notEquals', t, value))
        : actuals.some((t) => test(c.operator, t, value));
  } else {
    ok = test(c.operator, actuals[0] ?? '', value);
  }
  const shown = c.field === 'customer.tag' ? `[${actuals.map(show).join(', ')}]` : show(actuals[0] ?? '');
  return { ok, reason: `${c.field} ${shown} ${c.operator} ${show(value)}: ${ok ? 'yes' : 'no'}` };
}

export function evaluateRouting(
  rules: RoutingRuleInput[],
  ctx: RoutingContext,
  defaultQueueId: string,
): RoutingDecision {
  const ordered = [...rules].sort((x, y) => x.order - y.order || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const traced: RoutingTrace['rules'] = [];
  let winner: RoutingRuleInput | null = null;
  for (const rule of ordered) {
    const reasons: string[] = [];
    let matched = true;
    if (rule.conditions.length === 0) reasons.push('no conditions: always matches');
    for (const condition of rule.conditions) {
      const r = evaluateCondition(condition, ctx);
      reasons.push(r.reason);
      // Stop at the first failing condition: the rest cannot change the outcome, and the trace says which failed.
      if (!r.ok) {
        matched = false;
        break;
      }
    }
    traced.push({ ruleId: rule.id, name: rule.name, order: rule.order, matched, reasons });
    if (matched) {
      winner = rule;
      break;
    }
  }
  const queueId = winner ? winner.queueId : defaultQueueId;
  const priority = winner?.priority ?? 0;
  const skills = winner ? [...winner.skills] : [];
  const matchedRuleId = winner ? winner.id : null;
  return {
    queueId,
    priority,
    skills,
    matchedRuleId,
    // `at` is left empty: a pure function has no clock; the workflow stamps it with its deterministic time.
    trace: { rules: traced, matchedRuleId, queueId, priority, skills, at: '' },
  };
}
