import { z } from '@hono/zod-openapi';
import { CSAT_MAX_WINDOW_MINUTES } from '../../../domain/csat.js';
import { SLA_MAX_TARGET_SECONDS } from '../../../domain/sla.js';
import { allow, IdParam, jsonBody, jsonResponse, resourceRoute } from '../../lib/route-helpers.js';

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

export const getQueueSla = resourceRoute({
  method: 'get',
  path: '/queues/{id}/sla',
  operationId: 'getQueueSla',
  tags: ['Service levels'],
  summary: 'A queue’s SLA targets (supervisors, admins)',
  middleware: allow('admin', 'supervisor'),
  request: { params: IdParam },
  responses: { 200: jsonResponse(SlaPolicy, 'SLA targets') },
});

export const updateQueueSla = resourceRoute({
  method: 'put',
  path: '/queues/{id}/sla',
  operationId: 'updateQueueSla',
  tags: ['Service levels'],
  summary: 'Set a queue’s SLA targets (admins); conversations routed afterwards use them',
  middleware: allow('admin'),
  request: { params: IdParam, body: jsonBody(SlaPolicyUpdate) },
  responses: { 200: jsonResponse(SlaPolicy, 'SLA targets') },
});

export const getChannelCsat = resourceRoute({
  method: 'get',
  path: '/sms-channels/{id}/csat',
  operationId: 'getChannelCsat',
  tags: ['Service levels'],
  summary: 'A channel’s CSAT survey settings (supervisors, admins)',
  middleware: allow('admin', 'supervisor'),
  request: { params: IdParam },
  responses: { 200: jsonResponse(CsatSettings, 'CSAT settings') },
});

export const updateChannelCsat = resourceRoute({
  method: 'put',
  path: '/sms-channels/{id}/csat',
  operationId: 'updateChannelCsat',
  tags: ['Service levels'],
  summary: 'Switch the CSAT survey of a channel on or off and set its reply window (admins)',
  middleware: allow('admin'),
  request: { params: IdParam, body: jsonBody(CsatSettingsUpdate) },
  responses: { 200: jsonResponse(CsatSettings, 'CSAT settings') },
});
