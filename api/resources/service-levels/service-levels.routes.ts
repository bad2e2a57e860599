import { z } from '@hono/zod-openapi';
import { CSAT_MAX_WINDOW_MINUTES } from '../../../domain/csat.js';
import { SLA_MAX_TARGET_SECONDS } from '../../../domain/sla.js';
import { settingsRoutes } from '../../lib/crud-routes.js';

const target = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(SLA_MAX_TARGET_SECONDS)
    .nullable()
    .openapi({ description: `${what} target in seconds; null measures it without a target` });

export const SlaPolicy = z
  .object({
    queueId: z.uuid(),
    firstResponseSeconds: z.number().int().nullable(),
    nextResponseSeconds: z.number().int().nullable(),
    resolutionSeconds: z.number().int().nullable(),
    warningPercent: z.number().int(),
    updatedAt: z.string().nullable().openapi({ description: 'Null while the queue has no targets set' }),
  })
  .openapi('SlaPolicy');

export const SlaPolicyUpdate = z
  .object({
    firstResponseSeconds: target('First response (from the first customer text to the first agent reply)').optional(),
    nextResponseSeconds: target(
      'Next response (from the customer text the conversation has waited on us since, to the next agent reply)',
    ).optional(),
    resolutionSeconds: target(
      'Resolution (from the first customer text or a reopen to the agent ending it)',
    ).optional(),
    warningPercent: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'Share of a target at which a warning is recorded (default 80)' }),
  })
  .strict()
  .openapi('SlaPolicyUpdate');

export const CsatSettings = z
  .object({
    channelId: z.uuid(),
    enabled: z.boolean(),
    windowMinutes: z.number().int(),
  })
  .openapi('CsatSettings');

export const CsatSettingsUpdate = z
  .object({
    enabled: z.boolean().optional().openapi({ description: 'Send the survey SMS after each resolved conversation' }),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(CSAT_MAX_WINDOW_MINUTES)
      .optional()
      .openapi({ description: 'How long a reply 1–5 counts as the rating (default 1440)' }),
  })
  .strict()
  .openapi('CsatSettingsUpdate');

export const queueSlaRoutes = settingsRoutes({
  path: '/{id}/sla',
  names: { tag: 'Service levels', name: 'QueueSla' },
  schemas: { entity: SlaPolicy, update: SlaPolicyUpdate },
  description: 'SLA targets',
  summaries: {
    get: 'A queue’s SLA targets (supervisors, admins)',
    update: 'Set a queue’s SLA targets (admins); conversations routed afterwards use them',
  },
});

export const channelCsatRoutes = settingsRoutes({
  path: '/{id}/csat',
  names: { tag: 'Service levels', name: 'ChannelCsat' },
  schemas: { entity: CsatSettings, update: CsatSettingsUpdate },
  description: 'CSAT settings',
  summaries: {
    get: 'A channel’s CSAT survey settings (supervisors, admins)',
    update: 'Switch the CSAT survey of a channel on or off and set its reply window (admins)',
  },
});
