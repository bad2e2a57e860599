/**
 * Type-level test, checked by `npm run typecheck` (tsc), never run: the admin client is typed by the setup routes, so
 * reading a field the API does not answer is a compile error. If a route renames `apiKeyHint`, the first line breaks;
 * if `@ts-expect-error` lines stop erroring (the client lost its types), tsc fails on the unused directive.
 */
import { hc, type InferResponseType } from 'hono/client';
import type { SetupApi } from '../../../api/resources/index.js';

const client = hc<SetupApi>('/api/v1');
type Account = InferResponseType<(typeof client)['messaging-accounts'][':id']['$get'], 200>;

export const hint = (a: Account): string => a.apiKeyHint;
// @ts-expect-error the API has no `apiKey` field in its answer (the key is write-only)
export const key = (a: Account): string => a.apiKey;
// @ts-expect-error a wrong body field is refused at compile time too
export const badBody = () => client.queues.$post({ json: { title: 'x' } });
// @ts-expect-error path params are typed: /queues/{id} needs an id
export const noId = () => client.queues[':id'].$get({ param: {} });
