import { randomBytes } from 'node:crypto';
import type { SimAccount } from './auth.js';
import type { CallbackRecord, RetryPolicy } from './callbacks.js';

/**
 * What one simulator instance holds in memory: accounts (the "portal"), accepted messages, simulated phones, callbacks
 * sent, nonces seen, media, the faults in force, and the timers and deliveries still running.
 */

export type Faults = {
  /** Fraction of REST calls answered 500 with status.code 10000. */
  errorRate: number;
  /** Fraction answered 429 10019 (rate limit). */
  rate429: number;
  /** Fraction answered 503 10000. */
  rate503: number;
  /** Added before every REST answer. */
  latencyMs: number;
  /** Fraction of REST calls never answered (the client must time out). */
  timeoutRate: number;
  /** Every callback is delivered twice. */
  duplicateCallbacks: boolean;
  /** Delivery reports are sent final-first (200 before 203). */
  outOfOrderCallbacks: boolean;
};

export const NO_FAULTS: Faults = {
  errorRate: 0,
  rate429: 0,
  rate503: 0,
  latencyMs: 0,
  timeoutRate: 0,
  duplicateCallbacks: false,
  outOfOrderCallbacks: false,
};

export type PhoneMessage = {
  direction: 'received' | 'sent';
  referenceId: string;
  /** For received: the sender id; for sent: the phone itself. */
  from: string;
  to: string;
  text: string;
  at: string;
  statusCode: number;
  externalId: string | null;
  segments: number;
};

export type SimMessage = {
  referenceId: string;
  customerId: string;
  phoneNumber: string;
  senderId: string | null;
  externalId: string | null;
  callbackUrl: string | null;
  text: string;
  statusCode: number;
  description: string;
  updatedOn: string;
  createdAt: number;
};

export type PhoneState = { messages: PhoneMessage[]; deliveryCode: number; optedOut: Set<string> };

/** A file a simulated phone sends with a message. */
export type SimMedia = { contentType: string; bytes: Buffer };

export type AddAccountInput = {
  customerId?: string;
  apiKey?: string;
  suspended?: boolean;
  allowedHost?: boolean;
  callbackUrl?: string | null;
  numbers?: string[];
};

export type SimConfig = {
  /** Delays of the 203 and final delivery reports after a send. */
  dlrDelaysMs: [number, number];
  retry: RetryPolicy;
  /** How long a "timeout" fault holds a request. */
  hangMs: number;
  log: (msg: string) => void;
};

/** An account as the control API and the programmatic handle show it. */
export const publicAccount = (a: SimAccount) => ({
  customerId: a.customerId,
  apiKey: a.apiKey,
  suspended: a.suspended,
  allowedHost: a.allowedHost,
  callbackUrl: a.callbackUrl,
  numbers: [...a.numbers],
});

export class SimState {
  readonly accounts = new Map<string, SimAccount>();
  readonly messages = new Map<string, SimMessage>();
  readonly phones = new Map<string, PhoneState>();
  readonly callbacks: CallbackRecord[] = [];
  /** Media the simulated phones sent (MMS-style), served at /sim/media/{id} for the fetch. */
  readonly media = new Map<string, SimMedia>();
  mediaCounter = 0;
  faults: Faults = { ...NO_FAULTS };
  stopped = false;
  readonly timers = new Set<NodeJS.Timeout>();
  readonly pending = new Set<Promise<void>>();
  /** Base URL other processes reach the simulator at (set once it listens; media URLs in callbacks use it). */
  url = '';
  private readonly nonces = new Map<string, number>();

  constructor(readonly config: SimConfig) {}

  readonly findAccount = (cid: string): SimAccount | undefined =>
    this.accounts.get(cid) ?? [...this.accounts.values()].find((a) => a.customerId.toLowerCase() === cid.toLowerCase());

  /** False when the nonce was used in the last 15 minutes (and records it otherwise). */
  readonly useNonce = (cid: string, nonce: string): boolean => {
    const key = `${cid}:${nonce}`;
    const now = Date.now();
    if ((this.nonces.get(key) ?? 0) > now) return false;
    this.nonces.set(key, now + 15 * 60_000);
    if (this.nonces.size > 50_000) for (const [k, exp] of this.nonces) if (exp < now) this.nonces.delete(k);
    return true;
  };

  phoneState(n: string): PhoneState {
    let p = this.phones.get(n);
    if (!p) {
      p = { messages: [], deliveryCode: 200, optedOut: new Set() };
      this.phones.set(n, p);
    }
    return p;
  }

  /** Runs fn after ms unless the simulator stopped first. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  addAccount(input: AddAccountInput = {}): SimAccount {
    const customerId =
      input.customerId ??
      randomBytes(16)
        .toString('hex')
        .toUpperCase()
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const a: SimAccount = {
      customerId,
      apiKey: input.apiKey ?? randomBytes(48).toString('base64'),
      suspended: input.suspended ?? false,
      allowedHost: input.allowedHost ?? true,
      callbackUrl: input.callbackUrl ?? null,
      numbers: new Set(input.numbers ?? []),
    };
    this.accounts.set(customerId, a);
    return a;
  }

  setCallbackUrl(customerId: string, url: string | null): boolean {
    const a = this.findAccount(customerId);
    if (!a) return false;
    a.callbackUrl = url;
    return true;
  }

  setFaults(f: Partial<Faults>): void {
    const next = { ...this.faults };
    for (const k of Object.keys(NO_FAULTS) as (keyof Faults)[]) {
      if (f[k] !== undefined) (next as Record<string, unknown>)[k] = f[k];
    }
    this.faults = next;
  }

  resetFaults(): void {
    this.faults = { ...NO_FAULTS };
  }
}
