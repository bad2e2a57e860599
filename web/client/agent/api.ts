import { call, client, type Ok } from '../common.js';

/** The workspace's view of the API: typed calls and the response types, taken from the API's routes (ApiType). */

export const v1 = client.api.v1;
export const conversationById = v1.conversations[':id'];

export type Conversation = Ok<Awaited<ReturnType<typeof conversationById.$get>>>;
export type ConversationSummary = Ok<Awaited<ReturnType<typeof v1.me.conversations.$get>>>['items'][number];
export type Me = Ok<Awaited<ReturnType<typeof v1.me.$get>>>;
export type AgentRow = Ok<Awaited<ReturnType<typeof v1.agents.overview.$get>>>['items'][number];
export type Message = Conversation['messages'][number];
export type Queue = { id: string; name: string };
export type Presence = Me['presence'];

/** Actions without a body, and with one; the API answers each with the updated conversation. */
export type PlainAction = 'accept' | 'reject' | 'pick' | 'wait' | 'end' | 'close' | 'force-close';
export type BodyAction = {
  transfer: { queueId?: string; agentId?: string };
  notes: { text: string };
  assign: { agentId: string };
};

export function runAction(id: string, action: PlainAction): Promise<Conversation>;
export function runAction<A extends keyof BodyAction>(
  id: string,
  action: A,
  body: BodyAction[A],
): Promise<Conversation>;
export function runAction(id: string, action: PlainAction | keyof BodyAction, body?: unknown): Promise<Conversation> {
  const param = { id };
  switch (action) {
    case 'transfer':
      return call(conversationById.transfer.$post({ param, json: body as BodyAction['transfer'] }));
    case 'notes':
      return call(conversationById.notes.$post({ param, json: body as BodyAction['notes'] }));
    case 'assign':
      return call(conversationById.assign.$post({ param, json: body as BodyAction['assign'] }));
    default:
      return call(conversationById[action].$post({ param }));
  }
}
