import { analyzeSms } from '../../domain/sms-segments.js';
import type { SimAccount } from './auth.js';
import { type CallbackRecord, deliverCallback } from './callbacks.js';
import type { SimMedia, SimMessage, SimState } from './state.js';
import { BLOCKED_CODES, deliveryReportBody, inboundSmsBody, newReferenceId, STATUS_TEXT } from './wire-format.js';

/**
 * What happens after a send is accepted or a phone texts: the delivery reports (203, then the final code) and the
 * inbound SMS, each sent as a signed callback with TeleSign's retry policy, under the faults in force.
 */

/** Sends a callback (twice with the duplicateCallbacks fault); `done` settles when the first copy is delivered or given up. */
export function sendCallback(
  s: SimState,
  account: SimAccount,
  url: string,
  kind: CallbackRecord['kind'],
  body: Record<string, unknown>,
) {
  const raw = JSON.stringify(body);
  const copies = s.faults.duplicateCallbacks ? 2 : 1;
  let first: Promise<void> | undefined;
  for (let i = 0; i < copies; i++) {
    const rec: CallbackRecord = {
      id: s.callbacks.length + 1,
      customerId: account.customerId,
      url,
      kind,
      referenceId: String(body.reference_id),
      statusCode: Number((body.status as { code: number }).code),
      body: raw,
      attempts: [],
      outcome: 'pending',
    };
    s.callbacks.push(rec);
    const p = deliverCallback(rec, account.apiKey, s.config.retry, () => s.stopped).finally(() => s.pending.delete(p));
    s.pending.add(p);
    first ??= p;
  }
  return { record: s.callbacks[s.callbacks.length - copies]!, done: first! };
}

function setStatus(s: SimState, m: SimMessage, code: number) {
  m.statusCode = code;
  m.description = STATUS_TEXT[code] ?? 'Status';
  m.updatedOn = new Date().toISOString();
  for (const pm of s.phoneState(m.phoneNumber).messages) if (pm.referenceId === m.referenceId) pm.statusCode = code;
  const account = s.findAccount(m.customerId);
  const url = m.callbackUrl ?? account?.callbackUrl;
  if (!account || !url) return;
  sendCallback(s, account, url, 'dlr', deliveryReportBody({ ...m, code, segments: analyzeSms(m.text).segments }));
}

/** An accepted send: the phone receives it (when it will be delivered) and its delivery reports follow. */
export function scheduleDelivery(s: SimState, m: SimMessage): void {
  const phone = s.phoneState(m.phoneNumber);
  const optedOut = phone.optedOut.has(m.senderId ?? '') || phone.optedOut.has('*');
  const final = optedOut ? 510 : phone.deliveryCode;
  // Blocked sends never reach a gateway; other failures happen after it (203 first).
  const steps = BLOCKED_CODES.has(final) ? [final] : [203, final];
  if (s.faults.outOfOrderCallbacks) steps.reverse();
  if (final === 200) {
    phone.messages.push({
      direction: 'received',
      referenceId: m.referenceId,
      from: m.senderId ?? '',
      to: m.phoneNumber,
      text: m.text,
      at: new Date().toISOString(),
      statusCode: 290,
      externalId: m.externalId,
      segments: analyzeSms(m.text).segments,
    });
  }
  steps.forEach((code, i) => {
    s.later(s.config.dlrDelaysMs[Math.min(i, 1)]!, () => setStatus(s, m, code));
  });
}

/** A simulated phone texts a support number: the inbound SMS goes to the callback URL of the account owning it. */
export function phoneSend(s: SimState, from: string, to: string, text: string, files: SimMedia[] = []) {
  const account = [...s.accounts.values()].find((a) => a.numbers.has(to));
  if (!account) return { error: `no account owns the number ${to}` } as const;
  if (!account.callbackUrl) return { error: `account ${account.customerId} has no callback URL` } as const;
  const referenceId = newReferenceId();
  const now = new Date().toISOString();
  s.phoneState(from).messages.push({
    direction: 'sent',
    referenceId,
    from,
    to,
    text,
    at: now,
    statusCode: 1500,
    externalId: null,
    segments: analyzeSms(text).segments,
  });
  const media = files.map((f) => {
    const id = `m${++s.mediaCounter}`;
    s.media.set(id, { contentType: f.contentType, bytes: f.bytes });
    return { url: `${s.url}/sim/media/${id}`, content_type: f.contentType };
  });
  const { record, done } = sendCallback(
    s,
    account,
    account.callbackUrl,
    'mo_sms',
    inboundSmsBody({ referenceId, at: now, from, to, text, media }),
  );
  return { referenceId, record, done };
}
