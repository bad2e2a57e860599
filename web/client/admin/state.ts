import { $, pageData } from '../common.js';
import type { Account, Channel, Num, Queue, Workstream } from './api.js';

/** What the admin page knows: the page's dictionary and what the wizard and the lists have loaded. */
export const { t } = pageData<{ t: Record<string, string> }>();

export const state: {
  account?: Account;
  numbers: Num[];
  workstream?: Workstream;
  channel?: Channel;
  queues: Queue[];
  workstreams: Workstream[];
} = { numbers: [], queues: [], workstreams: [] };

/** The trimmed value of an input. */
export const val = (id: string) => ($(id) as HTMLInputElement).value.trim();
export const checked = (id: string) => ($(id) as HTMLInputElement).checked;
/** The value of a <select> whose options are the API's enum values. */
export const choice = <T extends string>(id: string) => $<HTMLSelectElement>(id).value as T;
