import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { type BuiltinBotConfig, bots, type WebhookBotConfig } from '../db/schema/index.js';
import { decryptSecret, keyringFromConfig } from '../lib/secrets.js';
import { FailureTypes } from '../workflows/definitions.js';

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

/**
 * One bot turn. Webhook bots get the turn as signed JSON (X-Smsdesk-Signature = base64 HMAC-SHA256 of the body with
 * the bot's secret) and must answer { action, text?, variables? } within their timeout; an error or timeout
 * escalates to a human rather than leaving the customer unanswered.
 */
export function botActivity(deps: {
  db: Db;
  config: Pick<Config, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_ID' | 'ENCRYPTION_OLD_KEYS'>;
}) {
  const keyring = keyringFromConfig(deps.config);
  return async function runBot(input: BotInput): Promise<BotTurn> {
    const bot = await deps.db.query.bots.findFirst({ where: eq(bots.id, input.botId) });
    if (!bot) return { action: 'escalate', variables: input.variables, reason: 'bot no longer exists' };
    if (bot.kind === 'builtin') return runBuiltinBot(bot.config as BuiltinBotConfig, input);

    const cfg = bot.config as WebhookBotConfig;
    const body = JSON.stringify({ conversationId: input.conversationId, text: input.text, variables: input.variables });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
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
    try {
      const res = await fetch(cfg.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(cfg.timeoutMs ?? 5000),
      });
      if (!res.ok) return { action: 'escalate', variables: input.variables, reason: `bot answered HTTP ${res.status}` };
      const turn = (await res.json()) as { action?: string; text?: string; variables?: Record<string, unknown> };
      const variables = {
        ...input.variables,
        ...Object.fromEntries(Object.entries(turn.variables ?? {}).map(([k, v]) => [k, String(v)])),
      };
      if (turn.action === 'reply' && typeof turn.text === 'string' && turn.text.trim()) {
        return { action: 'reply', text: turn.text, variables };
      }
      if (turn.action === 'end') return { action: 'end', ...(turn.text ? { text: turn.text } : {}), variables };
      return {
        action: 'escalate',
        ...(turn.text ? { text: turn.text } : {}),
        variables,
        reason: turn.action === 'escalate' ? 'bot escalated' : 'bot answer not understood',
      };
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError' ? 'bot timed out' : `bot unreachable: ${(err as Error).message}`;
      return { action: 'escalate', variables: input.variables, reason };
    }
  };
}
