import { $, pageData } from '../common.js';
import type { Conversation, Me, Queue } from './api.js';
import { problemText } from './problems.js';

/** What every workspace module shares: the page data the server rendered, and the little state the page holds. */

export const data = pageData<{
  user: { id: string; role: Me['role'] };
  t: Record<string, string>;
  staff: boolean;
  lang: string;
}>();
export const t = data.t;
export const staff = data.staff;

export const state: {
  me: Me | null;
  selectedId: string | null;
  selected: Conversation | null;
  queues: Queue[];
} = { me: null, selectedId: null, selected: null, queues: [] };

export const mine = (c: Conversation) => c.agentId === data.user.id;

export function showError(err: unknown) {
  $('action-error').textContent = problemText(err, t, data.lang);
}

type Listener<T> = (value: T) => void;

/** A tiny typed signal, so modules hook into each other without import cycles. */
export function signal<T>() {
  const listeners: Listener<T>[] = [];
  return {
    on: (fn: Listener<T>) => void listeners.push(fn),
    emit: (value: T) => {
      for (const fn of listeners) fn(value);
    },
  };
}

/** The selected conversation was (re)rendered: the composer, side panels and others follow. */
export const conversationRendered = signal<Conversation>();
