import { type ClientResponse, hc } from 'hono/client';
import type { ApiType } from '../../contract/api-type.js';

/** Helpers shared by the page scripts: page data, API calls with the CSRF header, DOM building with textContent. */

export type Problem = {
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  /** The problem type URI and, for some refusals, a machine-readable reason (pages translate by these). */
  type?: string;
  reason?: string;
};

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export function pageData<T>(): T {
  return JSON.parse(document.body.dataset.page ?? '{}') as T;
}

/**
 * The sign-in this tab uses (`?as=<slot>` in its URL, set by the sign-in redirect): several identities can share one
 * browser, each tab naming its own session (api/auth/session-slots.ts). Undefined: the browser's latest sign-in.
 */
export const sessionSlot: string | undefined =
  typeof location === 'undefined' ? undefined : (new URLSearchParams(location.search).get('as') ?? undefined);
const slotHeaders: Record<string, string> = sessionSlot ? { 'x-smsdesk-session': sessionSlot } : {};

/** A same-origin URL that keeps this tab's sign-in (for EventSource and links, which cannot send the header). */
export function withSession(url: string): string {
  if (!sessionSlot) return url;
  const u = new URL(url, location.origin);
  u.searchParams.set('as', sessionSlot);
  return u.origin === location.origin ? `${u.pathname}${u.search}${u.hash}` : url;
}

/** Links and forms to our own pages keep the tab's sign-in, so moving between /app and /admin stays the same user. */
function carrySession() {
  if (!sessionSlot || typeof document === 'undefined') return;
  for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href^="/app"], a[href^="/admin"]'))) {
    if (!new URL(a.href).searchParams.has('as')) a.href = withSession(a.getAttribute('href')!);
  }
  for (const f of Array.from(document.querySelectorAll<HTMLFormElement>('form[action="/app/logout"]'))) {
    f.action = withSession('/app/logout');
  }
}
carrySession();

/** Back to this page's sign-in form when the session ended; the slot stays, so another tab's user is not shown. */
export function backToSignIn() {
  location.assign(`${location.pathname}${location.search}`);
}

/**
 * The API's typed client, built on its route types: a renamed response field or path is a type error here.
 * Same-origin, authenticated by the session cookie; writes carry the CSRF header the API requires.
 */
export const client = hc<ApiType>(typeof location === 'undefined' ? 'http://localhost/' : location.origin, {
  init: { credentials: 'same-origin' },
  headers: { 'x-smsdesk-csrf': '1', ...slotHeaders },
});

/** The body of a route's successful answer (2xx JSON), as its handler declares it. */
export type Ok<R> =
  R extends ClientResponse<infer T, infer S, 'json'> ? (S extends 200 | 201 | 202 ? T : never) : never;

/** The JSON body of a typed call's successful answer; a problem answer throws ApiError (401 back to sign-in). */
export async function call<R extends ClientResponse<unknown, number, string>>(request: Promise<R>): Promise<Ok<R>> {
  return (await settle(await request)) as Ok<R>;
}

async function settle(res: Response): Promise<unknown> {
  if (res.status === 401) {
    // The session ended (expired, token rotated): back to the sign-in form.
    backToSignIn();
    throw new ApiError({ status: 401, detail: 'signed out' });
  }
  if (res.status === 204) return undefined;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new ApiError({
      status: res.status,
      detail: json.detail ?? res.statusText,
      errors: json.errors,
      type: json.type,
      reason: json.reason,
    });
  }
  return json;
}

/** Same-origin JSON call authenticated by the session cookie; writes carry the CSRF header the API requires. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: {
      'x-smsdesk-csrf': '1',
      ...slotHeaders,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await settle(res)) as T;
}

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Creates an element; strings become text nodes (never HTML), so user content cannot inject markup. */
export function h(
  tag: string,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') node.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m ${seconds % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
