/**
 * Type-level test, checked by `npm run typecheck` (never run): the web client's response types come from the API's
 * routes. If the API renames a field the client reads, the first lines stop compiling; the `@ts-expect-error` lines
 * prove the check is real (they fail as soon as the type would accept anything).
 */
import { client, type Ok } from '../../web/client/common.js';

const v1 = client.api.v1;
type Me = Ok<Awaited<ReturnType<typeof v1.me.$get>>>;
type Conversation = Ok<Awaited<ReturnType<(typeof v1.conversations)[':id']['$get']>>>;

export const freeCapacity = (me: Me): number => me.capacity.total - me.capacity.used;
export const lastText = (c: Conversation): string | undefined => c.messages.at(-1)?.text;
export const optedOut = (c: Conversation): boolean => c.customer.optedOut;

// @ts-expect-error: no such field on the API's answer
export const renamed = (me: Me) => me.capacityTotal;
// @ts-expect-error: state is the API's enum, not any string
export const badState: Conversation['state'] = 'archived';
// @ts-expect-error: no such route
export const noRoute = () => v1.me.nonexistent.$get();
