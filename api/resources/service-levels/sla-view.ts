import { z } from '@hono/zod-openapi';
import type { conversations } from '../../../db/schema/index.js';

type Row = typeof conversations.$inferSelect;

const iso = z.string().openapi({ format: 'date-time' });
const Clock = z
  .object({
    dueAt: iso.nullable().openapi({ description: 'When the running clock breaches; null when none runs' }),
    warnedAt: iso.nullable(),
    breachedAt: iso.nullable(),
  })
  .openapi('SlaClock');

/** A conversation's SLA clocks as the read model has them (first response, next response, resolution). */
export const SlaStatusSchema = z
  .object({
    firstResponseAt: iso.nullable(),
    firstResponse: Clock,
    nextResponse: Clock,
    resolution: Clock,
  })
  .openapi('SlaStatus');

const at = (d: Date | null) => d?.toISOString() ?? null;

export function slaStatusView(conv: Row): z.infer<typeof SlaStatusSchema> {
  return {
    firstResponseAt: at(conv.firstResponseAt),
    firstResponse: {
      dueAt: at(conv.slaFirstResponseDueAt),
      warnedAt: at(conv.slaFirstResponseWarnedAt),
      breachedAt: at(conv.slaFirstResponseBreachedAt),
    },
    nextResponse: {
      dueAt: at(conv.slaNextResponseDueAt),
      warnedAt: at(conv.slaNextResponseWarnedAt),
      breachedAt: at(conv.slaNextResponseBreachedAt),
    },
    resolution: {
      dueAt: at(conv.slaResolutionDueAt),
      warnedAt: at(conv.slaResolutionWarnedAt),
      breachedAt: at(conv.slaResolutionBreachedAt),
    },
  };
}
