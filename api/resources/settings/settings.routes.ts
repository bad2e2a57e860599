import { z } from '@hono/zod-openapi';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';

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

const op = operationsOf({ tag: 'Settings', guard: allow('admin', 'supervisor') });

export const getSettings = op.get('/', 'getSettings', {
  summary: 'Organization settings',
  ok: [Settings, 'Current settings'],
});

export const updateSettings = op.put('/', 'updateSettings', {
  summary: 'Change organization settings',
  guard: allow('admin'),
  body: SettingsUpdate,
  ok: [Settings, 'Updated settings'],
});
