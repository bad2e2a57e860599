import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import { auditLog, conversations, customers } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { isStaff } from '../conversations/access.js';
import { icuLower, likePattern, workspaceVisibility } from './customer-access.js';
import { customerVisibleTo, loadCustomerView, optedOutNumbers, profileFields } from './customer-view.js';
import type * as routes from './customers.routes.js';

const notFound = (number: string) =>
  new ProblemError(404, `customer ${number} is not known to you`, [
    { path: 'number', message: `no customer ${number} among your queues' conversations` },
  ]);

export const listCustomers: AppRouteHandler<typeof routes.listCustomers> = async (c) => {
  const { deps, user } = c.var;
  const q = c.req.valid('query');
  const visibility = workspaceVisibility(user);
  // Numbers come from conversations (what agents may see) and, for staff, from profiles without a conversation.
  const fromConversations = sql`select ${conversations.customerNumber} as number,
      max(coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt})) as last_at
    from ${conversations} ${visibility ? sql`where ${visibility}` : sql``} group by ${conversations.customerNumber}`;
  const known = visibility
    ? fromConversations
    : sql`${fromConversations} union all select ${customers.number}, null from ${customers}`;
  const filters: SQL[] = [];
  if (q.cursor) filters.push(sql`k.number > ${q.cursor}`);
  if (q.q) {
    filters.push(
      /^[0-9]+$/.test(q.q)
        ? sql`k.number like ${likePattern(q.q, true)}`
        : sql`${icuLower(sql`c.name`)} like ${icuLower(sql`${likePattern(q.q)}`)}`,
    );
  }
  if (q.tag) filters.push(sql`c.tags @> ${JSON.stringify([q.tag])}::jsonb`);
  const rows = (await deps.db.execute(sql`
    with known as (${known})
    select k.number, max(k.last_at) as last_at from known k left join ${customers} c on c.number = k.number
    ${filters.length ? sql`where ${sql.join(filters, sql` and `)}` : sql``}
    group by k.number order by k.number limit ${q.limit + 1}`)) as unknown as {
    number: string;
    last_at: string | null;
  }[];
  const page = rows.slice(0, q.limit);
  const numbers = page.map((r) => r.number);
  const [profiles, optedOut] = await Promise.all([
    numbers.length ? deps.db.select().from(customers).where(inArray(customers.number, numbers)) : Promise.resolve([]),
    optedOutNumbers(deps.db, numbers),
  ]);
  const byNumber = new Map(profiles.map((p) => [p.number, p]));
  return c.json(
    {
      items: page.map((r) => profileFields(byNumber.get(r.number), r.number, optedOut.has(r.number), r.last_at)),
      nextCursor: rows.length > q.limit ? (page.at(-1)?.number ?? null) : null,
    },
    200,
  );
};

export const getCustomer: AppRouteHandler<typeof routes.getCustomer> = async (c) => {
  const { deps, user } = c.var;
  const { number } = c.req.valid('param');
  const view = await loadCustomerView(deps.db, user, number);
  if (!view) throw notFound(number);
  return c.json(view, 200);
};

export const updateCustomer: AppRouteHandler<typeof routes.updateCustomer> = async (c) => {
  const { deps, user } = c.var;
  const { number } = c.req.valid('param');
  const body = c.req.valid('json');
  if (body.language !== undefined && !isStaff(user)) {
    throw new ProblemError(403, 'language: only supervisors and admins may change a customer’s language', [
      { path: 'language', message: 'agents may change name, tags and notes only' },
    ]);
  }
  await deps.db.transaction(async (tx) => {
    // Staff may create a profile for any number (tag a customer before they first text, for routing); agents edit
    // only customers of their queues' conversations.
    if (!(await customerVisibleTo(tx, user, number))) throw notFound(number);
    const before = await tx.query.customers.findFirst({ where: eq(customers.number, number) });
    const tags = body.tags === undefined ? undefined : [...new Set(body.tags)];
    const change = {
      ...(body.name !== undefined ? { name: body.name || null } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(body.language !== undefined ? { language: body.language } : {}),
      ...(body.notes !== undefined ? { notes: body.notes || null } : {}),
    };
    await tx
      .insert(customers)
      .values({ number, ...change })
      .onConflictDoUpdate({ target: customers.number, set: { ...change, updatedAt: sql`now()` } });
    await tx.insert(auditLog).values({
      actorId: user.id,
      action: before ? 'customer.updated' : 'customer.created',
      targetType: 'customer',
      targetId: number,
      details: {
        fields: Object.keys(change),
        ...(change.name !== undefined ? { name: { from: before?.name ?? null, to: change.name } } : {}),
        ...(change.tags !== undefined ? { tags: { from: before?.tags ?? [], to: change.tags } } : {}),
        ...(change.language !== undefined ? { language: { from: before?.language ?? null, to: change.language } } : {}),
        // Notes may be long and personal: the log says that they changed, not what they say.
        ...(change.notes !== undefined ? { notesLength: change.notes?.length ?? 0 } : {}),
      },
    });
  });
  const view = await loadCustomerView(deps.db, user, number);
  if (!view) throw notFound(number);
  return c.json(view, 200);
};
