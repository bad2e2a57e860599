import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { users } from '../../../db/schema/index.js';
import { fieldsProblem } from '../../../lib/problem.js';
import { findUnsafeStrings } from '../../../lib/text-safety.js';
import { endBrowserSession, startBrowserSession } from '../../auth/session-slots.js';
import { hashToken } from '../../auth.js';
import { recordAuthFailure } from '../../middleware/rate-limit.js';
import type { SessionEnv } from './sign-in-view.js';

/** Only our own pages are valid targets after sign-in (no open redirect). */
export const safeNext = (next: unknown) => (next === '/admin' || next === '/reports' ? next : '/app');

/** POST /app/login: trades a token for a session cookie, then back to the page the form came from. */
export async function signIn(c: Context<SessionEnv>) {
  const deps = c.var.deps;
  const view = c.var.signInView;
  const form = await c.req.parseBody();
  // The same storable-text rule as every API input (lib/text-safety.ts): 422 naming the field.
  const unsafe = findUnsafeStrings(form, 'form');
  if (unsafe.length > 0) throw fieldsProblem(unsafe);
  const token = typeof form.token === 'string' ? form.token.trim() : '';
  const next = safeNext(form.next);
  const row = token
    ? await deps.db.query.users.findFirst({
        where: and(eq(users.tokenHash, hashToken(token)), eq(users.disabled, false)),
        columns: { id: true, tokenHash: true },
      })
    : undefined;
  const lang = view.langOf(typeof form.lang === 'string' ? form.lang : undefined, c.req.header('accept-language'));
  if (!row) {
    await recordAuthFailure(deps, c, token);
    c.header('Cache-Control', 'no-store');
    return view.refused(c, { next, lang });
  }
  const slot = await startBrowserSession(c, deps, row);
  return c.redirect(`${next}?lang=${lang}&as=${slot}`, 303);
}

/** POST /app/logout: ends the tab's session server-side (a copy of the cookie stops working too); other tabs stay. */
export async function signOut(c: Context<SessionEnv>) {
  const deps = c.var.deps;
  await endBrowserSession(c, deps);
  return c.redirect('/app', 303);
}
