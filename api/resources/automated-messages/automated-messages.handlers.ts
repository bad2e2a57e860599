import {
  AUTOMATED_LANGUAGES,
  AUTOMATED_TRIGGERS,
  defaultAutomatedMessage,
  TRIGGER_DESCRIPTIONS,
} from '../../../domain/automated-messages.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import type * as routes from './automated-messages.routes.js';

export const listAutomatedMessages: AppRouteHandler<typeof routes.listAutomatedMessages> = (c) =>
  c.json(
    {
      languages: [...AUTOMATED_LANGUAGES],
      placeholders: ['{AgentName}', '{QueueName}', '{$Variable$}'],
      triggers: AUTOMATED_TRIGGERS.map((trigger) => ({
        trigger,
        description: TRIGGER_DESCRIPTIONS[trigger],
        defaults: Object.fromEntries(AUTOMATED_LANGUAGES.map((l) => [l, defaultAutomatedMessage(trigger, l)])),
      })),
    },
    200,
  );
