import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { type BuiltinBotConfig, bots, type WebhookBotConfig } from '../db/schema/index.js';
import { SMS_MAX_CHARACTERS, smsLength } from '../domain/sms-limits.js';
import { EgressError, postJson } from '../lib/egress-http.js';
import { decryptSecret, keyringFromConfig } from '../lib/secrets.js';
import { FailureTypes } from '../workflows/definitions.js';
import { type BotFailureType, BotFailureTypes } from './bot-failures.js';

export type BotTurn =
  | { action: 'reply'; text: string; variables: Record<string, string> }
  | { action: 'escalate'; text?: string; variables: Record<string, string>; reason: string }
  | { action: 'end'; text?: string; variables: Record<string, string> };

export type BotInput = {
  botId: string;
  conversationId: string;
  text: string;
  variables: Record<string, string>;
  /** First turn of the conversation: a builtin bot may greet. */
  first: boolean;
};

const norm = (s: string) => s.normalize('NFKC').toLowerCase().trim();

/** Keyword/FAQ bot: answers known questions, escalates on the escalation phrases or anything it cannot answer. */
export function runBuiltinBot(
  config: BuiltinBotConfig,
  input: Pick<BotInput, 'text' | 'variables' | 'first'>,
): BotTurn {
  const text = norm(input.text);
  const variables = { ...input.variables, lastMessage: input.text };
  if (config.escalationPhrases.some((p) => p.trim() && text.includes(norm(p)))) {
    return { action: 'escalate', variables, reason: 'customer asked for an agent' };
  }
  const answer = config.answers.find((a) => a.keywords.some((k) => k.trim() && text.includes(norm(k))));
  if (answer) {
    return { action: 'reply', text: answer.reply, variables: { ...variables, topic: norm(answer.keywords[0] ?? '') } };
  }
  if (input.first && config.greeting) return { action: 'reply', text: config.greeting, variables };
  if (config.fallbackReply && !input.variables.fallbackUsed) {
    return { action: 'reply', text: config.fallbackReply, variables: { ...variables, fallbackUsed: 'true' } };
  }
  // A bot that cannot help must not trap the customer.
  return { action: 'escalate', variables, reason: 'no answer matched' };
}

/** Largest bot answer read: a turn is a short JSON object; anything bigger is refused, not buffered. */
export const BOT_MAX_RESPONSE_BYTES = 64 * 1024;

function failure(err: EgressError | string, type: BotFailureType, nonRetryable: boolean): ApplicationFailure {
  const message = typeof err === 'string' ? err : err.message;
  return ApplicationFailure.create({ message: `bot ${message}`, type, nonRetryable });
}

/**
 * One bot turn. Webhook bots get the turn as signed JSON (X-Smsdesk-Signature = base64 HMAC-SHA256 of the body with
 * the bot's secret) and must answer { action, text?, variables? } within their timeout. The call goes through the
 * egress guard (lib/egress-http.ts): https, public addresses only unless BOT_ALLOWED_HOSTS names the host, no
 * redirects, at most 64 KiB. Failures are thrown as typed ApplicationFailures (BotFailureTypes): policy refusals and
 * unusable answers are non-retryable; network trouble, timeouts and 5xx are retryable. The workflow decides what the
 * customer sees (it hands the conversation to a human).
 */
export function botActivity(deps: {
  db: Db;
  config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_ID' | 'ENCRYPTION_OLD_KEYS' | 'BOT_ALLOWED_HOSTS'>;
}) {
  const keyring = keyringFromConfig(deps.config);
  return async function runBot(input: BotInput): Promise<BotTurn> {
    const bot = await deps.db.query.bots.findFirst({ where: eq(bots.id, input.botId) });
    if (!bot) return { action: 'escalate', variables: input.variables, reason: 'bot no longer exists' };
    if (bot.kind === 'builtin') return runBuiltinBot(bot.config as BuiltinBotConfig, input);

    const cfg = bot.config as WebhookBotConfig;
    const body = JSON.stringify({ conversationId: input.conversationId, text: input.text, variables: input.variables });
    const headers: Record<string, string> = {};
    if (bot.secretCiphertext) {
      let secret: string;
      try {
        secret = decryptSecret(bot.secretCiphertext, keyring);
      } catch (err) {
        // A secret under a retired key never becomes readable by retrying: fail for good, the workflow skips the bot.
        throw ApplicationFailure.nonRetryable(
          `bot secret cannot be decrypted: ${(err as Error).message}`,
          FailureTypes.BotSecretUnreadable,
        );
      }
      headers['x-smsdesk-signature'] = createHmac('sha256', secret).update(body).digest('base64');
    }
    let raw: Buffer;
    try {
      raw = (
        await postJson(cfg.url, body, {
          headers,
          timeoutMs: cfg.timeoutMs ?? 5000,
          maxResponseBytes: BOT_MAX_RESPONSE_BYTES,
          allowedHosts: deps.config.BOT_ALLOWED_HOSTS,
        })
      ).body;
    } catch (err) {
      if (!(err instanceof EgressError)) throw err;
      if (err.retryable) throw failure(err, BotFailureTypes.Unavailable, false);
      const policy = err.kind === 'url_refused' || err.kind === 'blocked_address' || err.kind === 'redirect';
      throw failure(err, policy ? BotFailureTypes.Refused : BotFailureTypes.BadAnswer, true);
    }
    let turn: { action?: unknown; text?: unknown; variables?: unknown };
    try {
      const parsed = JSON.parse(raw.toString('utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      turn = parsed as typeof turn;
    } catch {
      throw failure('answer is not a JSON object', BotFailureTypes.BadAnswer, true);
    }
    const text = typeof turn.text === 'string' && turn.text.trim() ? turn.text : undefined;
    // The reply goes out as one SMS text: the same limit as an agent's (code points, as handsets count them).
    if (text && smsLength(text) > SMS_MAX_CHARACTERS) {
      throw failure(`reply is longer than ${SMS_MAX_CHARACTERS} characters`, BotFailureTypes.BadAnswer, true);
    }
    const extra =
      turn.variables && typeof turn.variables === 'object' && !Array.isArray(turn.variables)
        ? Object.entries(turn.variables as Record<string, unknown>)
            .slice(0, 50)
            .map(([k, v]) => [k.slice(0, 64), String(v).slice(0, 500)] as const)
        : [];
    const variables = { ...input.variables, ...Object.fromEntries(extra) };
    if (turn.action === 'reply' && text) return { action: 'reply', text, variables };
    if (turn.action === 'end') return { action: 'end', ...(text ? { text } : {}), variables };
    return {
      action: 'escalate',
      ...(text ? { text } : {}),
      variables,
      reason: turn.action === 'escalate' ? 'bot escalated' : 'bot answer not understood',
    };
  };
}
