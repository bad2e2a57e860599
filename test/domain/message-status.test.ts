import { describe, expect, it } from 'vitest';
import { isHandedOver, statusAfterReport, statusOnAcceptance, statusOnRefusal } from '../../domain/message-status.js';

describe('message status rules', () => {
  it('an interim report moves a queued or sent message to sent, but never overwrites a final status', () => {
    expect(statusAfterReport('queued', { status: 'sent', final: false })).toBe('sent');
    expect(statusAfterReport('sent', { status: 'sent', final: false })).toBe('sent');
    expect(statusAfterReport('failed', { status: 'sent', final: false })).toBeNull();
    expect(statusAfterReport('blocked', { status: 'sent', final: false })).toBeNull();
  });

  it('nothing overwrites delivered; a final report may correct another final status', () => {
    expect(statusAfterReport('delivered', { status: 'failed', final: true })).toBeNull();
    expect(statusAfterReport('failed', { status: 'delivered', final: true })).toBe('delivered');
    expect(statusAfterReport('sent', { status: 'blocked', final: true })).toBe('blocked');
  });

  it('a send answer settles as sent or delivered; a refusal as blocked or failed; handed-over statuses never resend', () => {
    expect(statusOnAcceptance({ status: 'delivered', final: true })).toBe('delivered');
    expect(statusOnAcceptance({ status: 'failed', final: true })).toBe('sent');
    expect(statusOnRefusal(true)).toBe('blocked');
    expect(statusOnRefusal(false)).toBe('failed');
    expect(['queued', 'received'].map((s) => isHandedOver(s as 'queued'))).toEqual([false, false]);
    expect(isHandedOver('sent')).toBe(true);
  });
});
