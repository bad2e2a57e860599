import { z } from '@hono/zod-openapi';
import { operationsOf } from '../../lib/operations.js';
import { allow, IdParam } from '../../lib/route-helpers.js';

/** The checks, in the order the checklist shows them; one source for the API schema, the handler and the page. */
export const READINESS_CHECKS = [
  'account_validated',
  'callback_registered',
  'number_bound',
  'queue_has_members',
  'member_available',
  'sms_enabled',
] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];

/** Where in the admin page each check is fixed (an anchor of /admin). */
export const READINESS_FIX: Record<ReadinessCheck, string> = {
  account_validated: '/admin#manage-accounts',
  callback_registered: '/admin#manage-accounts',
  number_bound: '/admin#manage-channels',
  queue_has_members: '/admin#manage-agents',
  member_available: '/admin#manage-agents',
  sms_enabled: '/admin#manage-organisation',
};

export const ReadinessItem = z
  .object({
    check: z.enum(READINESS_CHECKS),
    ok: z.boolean(),
    detail: z.string().openapi({ description: 'What holds, or what is missing, in plain words' }),
    /** Names of the things the check is about (account, number, queue), for a UI to show beside its own wording. */
    subjects: z.array(z.string()),
    fix: z.string().openapi({ description: 'The admin page section that fixes it' }),
  })
  .openapi('ReadinessItem');

export const Readiness = z
  .object({
    workstreamId: z.uuid(),
    live: z.boolean().openapi({ description: 'True only when every check holds' }),
    items: z.array(ReadinessItem),
    simulator: z
      .boolean()
      .openapi({ description: 'The channel account is the TeleSign simulator: a test SMS can be sent' }),
    supportNumbers: z.array(z.string()),
  })
  .openapi('Readiness');

export const TestSmsResult = z
  .object({
    from: z.string().openapi({ description: 'The simulator phone that texted' }),
    to: z.string().openapi({ description: 'The support number it texted' }),
    referenceId: z.string(),
  })
  .openapi('TestSmsResult');

const op = operationsOf({ tag: 'Workstreams', guard: allow('admin', 'supervisor') });

export const getReadiness = op.get('/', 'getWorkstreamReadiness', {
  summary: 'Whether texts to the workstream reach an agent now, check by check, with what is missing',
  params: IdParam,
  ok: [Readiness, 'The readiness checklist'],
});

export const sendTestSms = op.post('/test-sms', 'sendWorkstreamTestSms', {
  summary: 'Simulator accounts only: a simulator phone texts the workstream support number (409 otherwise)',
  guard: allow('admin'),
  params: IdParam,
  status: 202,
  ok: [TestSmsResult, 'The simulator phone sent the text'],
});
