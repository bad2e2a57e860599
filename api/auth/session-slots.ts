import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createSession, revokeSession, SESSION_COOKIE, sessionCookieOptions, userFromSession } from '../auth.js';
import type { ApiDeps } from '../deps.js';

/*
 * Several identities in one browser (an admin in one tab, an agent in another). Every sign-in gets its own session
 * and its own cookie, `smsdesk_session_<slot>`, where the slot is a short random name that is not a secret: the tab
 * carries it in its URL (`?as=<slot>`) and its API calls name it in the `x-smsdesk-session` header (EventSource,
 * which cannot send headers, in the `as` query parameter). The cookie stays the credential, HttpOnly and
 * SameSite=Strict; the slot only chooses which of the browser's own cookies a request means, so signing in elsewhere
 * never changes what another tab is signed in as. `smsdesk_session` itself holds the latest sign-in, for a tab that
 * names no slot (a bookmark, an API script using the cookie).
 */

export const SESSION_SLOT_HEADER = 'x-smsdesk-session';
export const SESSION_SLOT_QUERY = 'as';
const SLOT = /^[A-Za-z0-9_-]{8}$/;
/** Older sessions beyond this many per browser lose their cookie at the next sign-in (the rows expire anyway). */
const MAX_SLOTS = 8;

const slotCookie = (slot: string) => `${SESSION_COOKIE}_${slot}`;

/** The slot a request names: undefined when it names none, null when it names one that cannot exist. */
export function requestedSlot(c: Context): string | null | undefined {
  const slot = c.req.header(SESSION_SLOT_HEADER) ?? c.req.query(SESSION_SLOT_QUERY);
  if (slot === undefined || slot === '') return undefined;
  return SLOT.test(slot) ? slot : null;
}

/** The session cookie value a request means: its slot's cookie, or the latest sign-in's when it names no slot. */
export function sessionCookieOf(c: Context): string | undefined {
  const slot = requestedSlot(c);
  if (slot === undefined) return getCookie(c, SESSION_COOKIE);
  return slot === null ? undefined : getCookie(c, slotCookie(slot));
}

/** Signs the browser in as `user` in a new slot (leaving every other slot alone) and returns the slot. */
export async function startBrowserSession(
  c: Context,
  deps: Pick<ApiDeps, 'db' | 'config'>,
  user: { id: string; tokenHash: string },
): Promise<string> {
  const value = await createSession(deps, user);
  const slot = randomBytes(6).toString('base64url');
  const options = sessionCookieOptions(deps.config);
  setCookie(c, SESSION_COOKIE, value, options);
  await pruneSlots(c, deps);
  setCookie(c, slotCookie(slot), value, options);
  return slot;
}

/** Signs out the session the request means: server-side, and its cookies (the slot's and, if the same, the latest). */
export async function endBrowserSession(c: Context, deps: Pick<ApiDeps, 'db' | 'config'>): Promise<void> {
  const value = sessionCookieOf(c);
  await revokeSession(deps, value);
  const secure = sessionCookieOptions(deps.config).secure;
  for (const [name, v] of Object.entries(getCookie(c))) {
    if (name.startsWith(`${SESSION_COOKIE}`) && v === value) deleteCookie(c, name, { path: '/', secure });
  }
}

/** Drops slot cookies whose session ended, and the surplus beyond MAX_SLOTS, so a browser's cookies stay few. */
async function pruneSlots(c: Context, deps: Pick<ApiDeps, 'db' | 'config'>) {
  const secure = sessionCookieOptions(deps.config).secure;
  const slots = Object.entries(getCookie(c)).filter(([name]) => name.startsWith(`${SESSION_COOKIE}_`));
  let kept = 0;
  for (const [name, value] of slots) {
    const alive = kept < MAX_SLOTS - 1 && (await userFromSession(deps, value)) !== null;
    if (alive) kept++;
    else deleteCookie(c, name, { path: '/', secure });
  }
}
