import type { ClientResponse, InferResponseType } from 'hono/client';
import { ApiError, client as appClient, backToSignIn } from '../common.js';

/**
 * The admin page's typed API client: paths, bodies and answers come from the API's route definitions
 * (api/resources/), so a renamed field breaks the typecheck instead of the page.
 */
export const client = appClient.api.v1;

export type Account = InferResponseType<(typeof client)['messaging-accounts'][':id']['$get'], 200>;
export type Queue = InferResponseType<(typeof client)['queues'][':id']['$get'], 200>;
export type Workstream = InferResponseType<(typeof client)['workstreams'][':id']['$get'], 200>;
export type Num = InferResponseType<(typeof client)['phone-numbers'][':id']['$get'], 200>;
export type Channel = InferResponseType<
  (typeof client)['workstreams'][':id']['sms-channels'][':channelId']['$get'],
  200
>;

/** The success body of a call; a problem answer becomes an ApiError, a lost session goes back to sign-in. */
type Success<R> = R extends ClientResponse<infer T, infer S, string> ? (S extends 200 | 201 ? T : never) : never;
export async function send<R extends ClientResponse<unknown, number, string>>(
  request: Promise<R>,
): Promise<Success<R>> {
  const res = await request;
  if (res.status === 401) {
    // The session ended (expired, token rotated): back to the sign-in form.
    backToSignIn();
    throw new ApiError({ status: 401, detail: 'signed out' });
  }
  if (res.status === 204) return undefined as Success<R>;
  const json = (await res.json().catch(() => ({}))) as {
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  if (!res.ok) throw new ApiError({ status: res.status, detail: json.detail ?? res.statusText, errors: json.errors });
  return json as Success<R>;
}
