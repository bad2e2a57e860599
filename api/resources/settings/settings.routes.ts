import { z } from '@hono/zod-openapi';
import { allow, jsonBody, jsonResponse, resourceRoute } from '../../lib/route-helpers.js';

export const Settings = z
  .object({
    smsEnabled: z.boolean().openapi({ description: 'Organization switch for the SMS channel (default true)' }),
    declinesAllowed: z
      .number()
      .int()
      .openapi({ description: 'After this many declines an agent is not offered the same conversation again (1–5)' }),
    updatedAt: z.string(),
  })
  .openapi('Settings');

// Fields are optional so a script can flip one switch without knowing the others.
export const SettingsUpdate = z
  .object({
    smsEnabled: z.boolean().optional(),
    declinesAllowed: z.number().int().min(1).max(5).optional(),
  })
  .strict()
  .openapi('SettingsUpdate');

export const getSettings = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'getSettings',
  tags: ['Settings'],
  summary: 'Organization settings',
  middleware: allow('admin', 'supervisor'),
  responses: { 200: jsonResponse(Settings, 'Current settings') },
});

export const updateSettings = resourceRoute({
  method: 'put',
  path: '/',
  operationId: 'updateSettings',
  tags: ['Settings'],
  summary: 'Change organization settings',
  middleware: allow('admin'),
  request: { body: jsonBody(SettingsUpdate) },
  responses: { 200: jsonResponse(Settings, 'Updated settings') },
});
