import { z } from '@hono/zod-openapi';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';

export const AutomatedMessageDefaults = z
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

const op = operationsOf({ tag: 'Automated messages', guard: allow('admin') });

export const listAutomatedMessages = op.get('/', 'listAutomatedMessages', {
  summary: 'Default automated-message texts per trigger and language (override them per SMS channel)',
  ok: [AutomatedMessageDefaults, 'Defaults'],
});
