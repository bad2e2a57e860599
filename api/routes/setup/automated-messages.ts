import { z } from '@hono/zod-openapi';
import {
  AUTOMATED_LANGUAGES,
  AUTOMATED_TRIGGERS,
  defaultAutomatedMessage,
  TRIGGER_DESCRIPTIONS,
} from '../../../domain/automated-messages.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import { createSetupRouter, jsonResponse, setupRoute } from './common.js';

const AutomatedMessageDefaults = z
  .object({
    languages: z.array(z.string()),
    placeholders: z.array(z.string()),
    triggers: z.array(
      z.object({
        trigger: z.string(),
        description: z.string(),
        defaults: z.record(z.string(), z.string()).openapi({ description: 'Default text per language' }),
      }),
    ),
  })
  .openapi('AutomatedMessageDefaults');

export function automatedMessageRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  app.openapi(
    setupRoute({
      method: 'get',
      path: '/automated-messages',
      operationId: 'listAutomatedMessages',
      tags: ['Automated messages'],
      summary: 'Default automated-message texts per trigger and language (override them per SMS channel)',
      middleware: guard(deps, 'admin'),
      responses: { 200: jsonResponse(AutomatedMessageDefaults, 'Defaults') },
    }),
    (c) =>
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
      ),
  );
  return app;
}
