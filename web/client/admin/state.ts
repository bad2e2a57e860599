import { $, pageData } from '../common.js';
import type { Account, Channel, Num, Queue, Workstream } from './api.js';

/** What the admin page knows: the page's dictionary and what the wizard and the lists have loaded. */
export const { t } = pageData<{ t: Record<string, string> }>();

export const state: {
  /** The account the wizard sets up, and its numbers. */
  account?: Account;
  numbers: Num[];
  workstream?: Workstream;
  channel?: Channel;
  /** Everything that exists, for resuming and for duplicate warnings. */
  accounts: Account[];
  allNumbers: Num[];
  channels: Channel[];
  queues: Queue[];
  workstreams: Workstream[];
} = { numbers: [], accounts: [], allNumbers: [], channels: [], queues: [], workstreams: [] };

/** The trimmed value of an input. */
export const val = (id: string) => ($(id) as HTMLInputElement).value.trim();
export const checked = (id: string) => ($(id) as HTMLInputElement).checked;
/** The value of a <select> whose options are the API's enum values. */
export const choice = <T extends string>(id: string) => $<HTMLSelectElement>(id).value as T;
/** Case- and space-insensitive name comparison, as people read names. */
export const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
