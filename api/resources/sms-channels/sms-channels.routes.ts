import { z } from '@hono/zod-openapi';
import { AUTOMATED_TRIGGERS, isAutomatedTrigger } from '../../../domain/automated-messages.js';
import { SMS_MAX_CHARACTERS } from '../../../domain/sms-limits.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { underWorkstream } from '../workstreams/workstreams.routes.js';

export const language = z
  .string()
  .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as en, bg, es, fr, de or en-US')
  .openapi({ description: 'Selects the automated-message texts (en, bg, es, fr, de; others fall back to en)' });

export const Attachments = z
  .object({ customersCanSend: z.boolean().default(false), agentsCanSend: z.boolean().default(false) })
  .strict();

// Keys are checked against the known triggers so a typo is a 422, not a silently ignored override.
export const AutomatedMessages = z
  .record(z.string(), z.string().max(SMS_MAX_CHARACTERS, `must be at most ${SMS_MAX_CHARACTERS} characters`))
  .superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if (!isAutomatedTrigger(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown trigger; known triggers are ${AUTOMATED_TRIGGERS.join(', ')}`,
        });
      }
    }
  })
  .openapi({
    description: 'Per-trigger text overrides; "" deactivates a trigger. Placeholders {AgentName}, {QueueName}, {$Var$}',
    example: { greeting: 'Hi! An agent will text you back soon.', agent_assigned: '' },
  });

export const ChannelCreate = z
  .object({
    phoneNumberId: z.uuid(),
    language: language.default('en'),
    attachments: Attachments.default({ customersCanSend: false, agentsCanSend: false }),
    automatedMessages: AutomatedMessages.default({}),
  })
  .strict()
  .openapi('SmsChannelCreate');

export const ChannelUpdate = z
  .object({
    phoneNumberId: z.uuid().optional(),
    language: language.optional(),
    attachments: z
      .object({ customersCanSend: z.boolean().optional(), agentsCanSend: z.boolean().optional() })
      .strict()
      .optional(),
    automatedMessages: AutomatedMessages.optional().openapi({ description: 'Replaces all overrides' }),
  })
  .strict()
  .openapi('SmsChannelUpdate');

export const Channel = z
  .object({
    id: z.uuid(),
    workstreamId: z.uuid(),
    phoneNumberId: z.uuid(),
    number: z.string(),
    accountId: z.uuid(),
    callbackUrl: z.string(),
    language: z.string(),
    attachments: z.object({ customersCanSend: z.boolean(), agentsCanSend: z.boolean() }),
    automatedMessages: z.record(z.string(), z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SmsChannel');

export const smsChannelRoutes = crudRoutes({
  names: { tag: 'SMS channels', name: 'SmsChannel', one: 'SMS channel' },
  schemas: { entity: Channel, create: ChannelCreate, update: ChannelUpdate },
  ...underWorkstream('channelId'),
  summaries: {
    create: 'Add SMS channel: bind a number to the workstream',
    list: "A workstream's SMS channels",
    update: 'Change number, language, attachment toggles or automated-message overrides',
    remove: 'Remove an SMS channel (the number becomes unroutable until bound again)',
  },
});
