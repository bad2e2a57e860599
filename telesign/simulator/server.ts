import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { RetryPolicy } from './callbacks.js';
import { addControlRoutes } from './control-routes.js';
import { phoneSend } from './delivery.js';
import { addRestRoutes } from './rest-routes.js';
import { type AddAccountInput, type Faults, publicAccount, type SimMedia, SimState } from './state.js';

/**
 * A faithful stand-in for TeleSign's SMS REST API and callback service, for local runs and tests:
 * POST /v1/messaging and GET /v1/messaging/{reference_id} with real Basic and Digest (TSA) authentication and
 * TeleSign's error codes (rest-routes.ts, wire-format.ts); signed delivery reports (290 → 203 → 200, or a failure code)
 * and inbound SMS (mo_sms) sent to the account's callback URL with TeleSign's retry policy (delivery.ts,
 * callbacks.ts); simulated phones; fault injection. Control API under /sim (JSON, control-routes.ts), one-page UI at
 * /sim. This file starts the server and hands out the programmatic handle.
 */

export type { Faults, PhoneMessage, SimMedia } from './state.js';
export { STATUS_TEXT } from './wire-format.js';

export type SimulatorOptions = {
  port?: number;
  host?: string;
  /** Host name put in `url` (what other processes use to reach the simulator). */
  publicHost?: string;
  /** Delays of the 203 and final delivery reports after a send. */
  dlrDelaysMs?: [number, number];
  /** Callback retry policy: TeleSign's DLR policy is a 5 s timeout and waits of 5, 10, 15 s. */
  callbackRetry?: RetryPolicy;
  /** How long a "timeout" fault holds a request. */
  hangMs?: number;
  log?: (msg: string) => void;
};

export async function startSimulator(opts: SimulatorOptions = {}) {
  const s = new SimState({
    dlrDelaysMs: opts.dlrDelaysMs ?? [150, 400],
    retry: opts.callbackRetry ?? { timeoutMs: 5000, delaysMs: [5000, 10_000, 15_000] },
    hangMs: opts.hangMs ?? 60_000,
    log: opts.log ?? (() => {}),
  });

  const app = new Hono();
  addRestRoutes(app, s);
  addControlRoutes(app, s);

  const server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.publicHost ?? '127.0.0.1'}:${port}`;
  s.url = url;

  return {
    url,
    port,
    app,
    addAccount: (input: AddAccountInput = {}) => publicAccount(s.addAccount(input)),
    setCallbackUrl: (customerId: string, url: string | null) => s.setCallbackUrl(customerId, url),
    addNumber(customerId: string, number: string) {
      s.findAccount(customerId)?.numbers.add(number);
    },
    /** Act as a customer's phone. */
    phone(number: string) {
      return {
        /** Texts `to` (a support number); resolves when the first callback attempt finished. */
        async send(to: string, text: string) {
          const r = phoneSend(s, number, to, text);
          if ('error' in r) throw new Error(r.error);
          await r.done;
          return { referenceId: r.referenceId, callback: r.record };
        },
        /** An MMS-style message: text plus media the callback points at (served by the simulator). */
        async sendMedia(to: string, text: string, files: SimMedia[]) {
          const r = phoneSend(s, number, to, text, files);
          if ('error' in r) throw new Error(r.error);
          await r.done;
          return { referenceId: r.referenceId, callback: r.record };
        },
        /** Messages this phone received from businesses. */
        received: () => s.phoneState(number).messages.filter((m) => m.direction === 'received'),
        messages: () => s.phoneState(number).messages,
        /** Final delivery report code for messages to this phone (200 delivered; e.g. 210, 211, 510). */
        setDeliveryCode(code: number) {
          s.phoneState(number).deliveryCode = code;
        },
      };
    },
    faults: {
      set: (f: Partial<Faults>) => s.setFaults(f),
      reset: () => s.resetFaults(),
      get: () => ({ ...s.faults }),
    },
    callbacks: () => s.callbacks,
    message: (referenceId: string) => s.messages.get(referenceId),
    /** Every message accepted with this external_id (more than one means the client sent it twice). */
    messagesWithExternalId: (externalId: string) => [...s.messages.values()].filter((m) => m.externalId === externalId),
    /** Waits until every callback now in flight finished (delivered or gave up). */
    async settle() {
      while (s.pending.size > 0) await Promise.allSettled([...s.pending]);
    },
    async stop() {
      s.stopped = true;
      for (const t of s.timers) clearTimeout(t);
      s.timers.clear();
      (server as Server).closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;
