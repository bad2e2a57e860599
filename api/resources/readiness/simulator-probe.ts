import { providerAllowlistFromConfig, TELESIGN_PUBLISHED_HOSTS } from '../../../lib/egress-allowlist.js';
import type { ApiDeps } from '../../deps.js';

/**
 * Our TeleSign simulator has a portal API (/sim/…) beside the TeleSign one; real TeleSign has none. Readiness asks it
 * which callback URL is registered for the account, and the test SMS uses its phones. Only allowlisted hosts are
 * asked (the same rule as for the API key) and never TeleSign's published hosts; short timeout, no redirects.
 */
const PROBE_TIMEOUT_MS = 2000;

export function simulatorHost(deps: Pick<ApiDeps, 'config'>, restEndpoint: string | null): string | null {
  const host = restEndpoint ?? deps.config.TELESIGN_BASE_URL;
  if (providerAllowlistFromConfig(deps.config).refusal(host)) return null;
  const hostname = new URL(host).hostname;
  if ((TELESIGN_PUBLISHED_HOSTS as readonly string[]).includes(hostname)) return null;
  return host.replace(/\/+$/, '');
}

type SimAccount = { customerId: string; callbackUrl: string | null };

/** The simulator's view of the account, or null when the host is not our simulator (or does not answer). */
export async function simulatorAccount(host: string, customerId: string): Promise<SimAccount | null> {
  try {
    const res = await fetch(`${host}/sim/accounts`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (!res.ok) return null;
    const list = (await res.json()) as unknown;
    if (!Array.isArray(list)) return null;
    const found = list.find(
      (a): a is SimAccount =>
        typeof a === 'object' && a !== null && (a as SimAccount).customerId?.toLowerCase() === customerId.toLowerCase(),
    );
    return found ? { customerId: found.customerId, callbackUrl: found.callbackUrl ?? null } : null;
  } catch {
    return null;
  }
}

/** A simulator phone texts `to`; resolves with TeleSign's reference id, or null when the simulator refused. */
export async function simulatorPhoneSend(host: string, from: string, to: string, text: string) {
  try {
    const res = await fetch(`${host}/sim/phones/${encodeURIComponent(from)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to, text }),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { referenceId?: unknown };
    return typeof body.referenceId === 'string' ? body.referenceId : null;
  } catch {
    return null;
  }
}
