import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { SMS_MAX_CHARACTERS, smsLength } from '../../domain/sms-limits.js';

/**
 * TeleSign's wire format as the simulator speaks it (docs/domain.md, "TeleSign"): status texts, error bodies, the
 * send form and its checks, the delivery-report and inbound-SMS callback bodies, and TeleSign's keyword reading.
 */

export const STATUS_TEXT: Record<number, string> = {
  200: 'Delivered to handset',
  203: 'Delivered to gateway',
  207: 'Error delivering SMS to handset (reason unknown)',
  210: 'Temporary phone error',
  211: 'Permanent phone error',
  220: 'Gateway/network cannot route message',
  229: 'Message blocked by customer request',
  230: 'Message blocked by Telesign',
  290: 'Message in progress',
  503: 'Carrier rejected - temporary',
  510: 'Message blocked by subscriber action or request',
  1500: 'Delivered to customer',
};

/** Final codes of sends blocked before any gateway (they come alone, without a 203 first). */
export const BLOCKED_CODES = new Set([229, 230, 233, 237, 238, 510]);

/** TeleSign's own inbound keyword mapping (docs/domain.md, "Inbound keywords"), reported in user_response.action. */
export function keywordAction(text: string): { keyword: string; action: 'stop' | 'start' | 'help' | 'generic' } {
  const k = text.trim().toLowerCase();
  if (['arrêt', 'arret', 'cancel', 'end', 'quit', 'stop', 'unsubscribe'].includes(k))
    return { keyword: k, action: 'stop' };
  if (['aide', 'contact', 'help', 'info'].includes(k)) return { keyword: k, action: 'help' };
  if (k === 'start') return { keyword: k, action: 'start' };
  return { keyword: '', action: 'generic' };
}

export const newReferenceId = () => randomBytes(16).toString('hex').toUpperCase();

/** TeleSign's error answer: the code in status and in errors[], plus any extra fields (signature_string). */
export function tsError(
  c: Context,
  http: number,
  code: number,
  description: string,
  extra: Record<string, unknown> = {},
) {
  return c.json(
    {
      reference_id: null,
      status: { updated_on: new Date().toISOString(), code, description },
      errors: [{ code, description }],
      ...extra,
    },
    http as 400,
  );
}

export type SendForm = {
  phoneNumber: string;
  message: string;
  messageType: string;
  externalId: string | null;
  senderId: string | null;
  callbackUrl: string | null;
};

/** The form-encoded body of POST /v1/messaging, checked in TeleSign's order; a failure is answered 400. */
export function parseSendForm(
  raw: string,
): { ok: true; form: SendForm } | { ok: false; code: number; description: string } {
  const form = new URLSearchParams(raw);
  const phoneNumber = form.get('phone_number');
  const message = form.get('message');
  const messageType = form.get('message_type');
  const externalId = form.get('external_id');
  const senderId = form.get('sender_id');
  const callbackUrl = form.get('callback_url');
  const fail = (code: number, description: string) => ({ ok: false as const, code, description });
  if (!phoneNumber) return fail(12000, 'Missing required parameter phone_number');
  if (!/^\d{7,15}$/.test(phoneNumber)) return fail(11000, 'Invalid value for parameter phone_number');
  if (message === null || message === '') return fail(12009, 'Missing required parameter message');
  if (smsLength(message) > SMS_MAX_CHARACTERS) return fail(11009, 'Invalid value for parameter message');
  if (!messageType) return fail(12017, 'Missing required parameter message_type');
  if (!['OTP', 'ARN', 'MKT'].includes(messageType)) return fail(11017, 'Invalid value for parameter message_type');
  if (externalId !== null && (externalId.length > 100 || !/^[\x20-\x7e]*$/.test(externalId))) {
    return fail(11016, 'Invalid value for parameter external_id');
  }
  if (senderId !== null && !/^[0-9A-Za-z]{1,20}$/.test(senderId)) {
    return fail(11013, 'Invalid value for parameter sender_id');
  }
  if (callbackUrl !== null && !URL.canParse(callbackUrl)) {
    return fail(11004, 'Invalid value for parameter callback_url');
  }
  return { ok: true, form: { phoneNumber, message, messageType, externalId, senderId, callbackUrl } };
}

/** A delivery report's callback body. */
export function deliveryReportBody(m: {
  referenceId: string;
  code: number;
  description: string;
  updatedOn: string;
  createdAt: number;
  externalId: string | null;
  senderId: string | null;
  segments: number;
}): Record<string, unknown> {
  return {
    reference_id: m.referenceId,
    status: { code: m.code, description: m.description, updated_on: m.updatedOn },
    submit_timestamp: new Date(m.createdAt).toISOString(),
    errors: [],
    sub_resource: 'sms',
    external_id: m.externalId,
    additional_info: { message_parts_count: m.segments, sender_id: m.senderId },
  };
}

/** An inbound SMS's (mo_sms) callback body. */
export function inboundSmsBody(m: {
  referenceId: string;
  at: string;
  from: string;
  to: string;
  text: string;
  media: { url: string; content_type: string }[];
}): Record<string, unknown> {
  return {
    reference_id: m.referenceId,
    status: { code: 1500, description: STATUS_TEXT[1500], updated_on: m.at },
    submit_timestamp: m.at,
    errors: [],
    sub_resource: 'mo_sms',
    user_response: {
      phone_number: m.from,
      sender_id: m.to,
      mo_message: m.text,
      iso_country_code: 'US',
      ...keywordAction(m.text),
      // TeleSign documents no MMS callback for SMS numbers; this shape (a list of URL + type) is our guess, and
      // the parser accepts several (inbox/ingest/parse-callback.ts).
      ...(m.media.length ? { media: m.media } : {}),
    },
  };
}
