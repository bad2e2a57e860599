import { z } from '@hono/zod-openapi';
import { allow, jsonResponse, resourceRoute } from '../../lib/route-helpers.js';

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

export const listAutomatedMessages = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'listAutomatedMessages',
  tags: ['Automated messages'],
  summary: 'Default automated-message texts per trigger and language (override them per SMS channel)',
  middleware: allow('admin'),
  responses: { 200: jsonResponse(AutomatedMessageDefaults, 'Defaults') },
});
