import { describe, expect, it } from 'vitest';
import { MEDIA_PLACEHOLDER, parseCallback } from '../../inbox/ingest/parse-callback.js';
import { createProviderAllowlist } from '../../lib/egress-allowlist.js';
import { mediaUrlRefusal } from '../../lib/egress-download.js';

const mo = (ur: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  reference_id: 'ABC',
  sub_resource: 'mo_sms',
  user_response: { phone_number: '15550001111', sender_id: '14252306549', ...ur },
  ...top,
});

describe('MMS-style callbacks are kept, never ignored', () => {
  it('a media-only callback (no mo_message) is an MO with the placeholder and its media', () => {
    const p = parseCallback(mo({ media: [{ url: 'https://mms.telesign.com/m/1.jpg', content_type: 'image/jpeg' }] }));
    expect(p).toMatchObject({
      kind: 'mo_sms',
      text: MEDIA_PLACEHOLDER,
      flags: { media: true },
      media: [{ url: 'https://mms.telesign.com/m/1.jpg', contentType: 'image/jpeg' }],
    });
  });

  it('finds media under other names and at the top level, and keeps the text', () => {
    const p = parseCallback(
      mo({ mo_message: 'see photo', media_url: 'https://a.telesign.com/x.png' }, { mms_urls: ['https://b/y.png'] }),
    );
    expect(p).toMatchObject({ kind: 'mo_sms', text: 'see photo' });
    expect(p.kind === 'mo_sms' && p.media?.map((m) => m.url)).toEqual([
      'https://a.telesign.com/x.png',
      'https://b/y.png',
    ]);
  });

  it('joins text_1, text_2… parts when mo_message is absent', () => {
    const p = parseCallback(mo({ text_2: ' world', text_1: 'hello', media: 'https://m.telesign.com/1' }));
    expect(p).toMatchObject({ kind: 'mo_sms', text: 'hello world' });
  });

  it('plain SMS are unchanged (no media, no flag)', () => {
    const p = parseCallback(mo({ mo_message: 'hi' }));
    expect(p).toMatchObject({ kind: 'mo_sms', text: 'hi', flags: {} });
    expect(p.kind === 'mo_sms' && p.media).toBeUndefined();
  });

  it('without text and without media it is still recorded as other (nothing to act on)', () => {
    expect(parseCallback(mo({ media: 'not a url' })).kind).toBe('other');
  });
});

describe('media is fetched from TeleSign hosts only', () => {
  const allowlist = createProviderAllowlist(['https://rest-ww.telesign.com', 'http://127.0.0.1:4010']);
  it('allows the allowlist and https under telesign.com (address-checked)', () => {
    expect(mediaUrlRefusal('http://127.0.0.1:4010/sim/media/1', allowlist)).toEqual({ refusal: null, guarded: false });
    expect(mediaUrlRefusal('https://mms.telesign.com/a.jpg', allowlist)).toEqual({ refusal: null, guarded: true });
  });
  it('refuses other hosts, http to telesign.com look-alikes and user info', () => {
    for (const url of [
      'https://evil.example/a.jpg',
      'http://mms.telesign.com/a.jpg',
      'https://telesign.com.evil.example/a.jpg',
      'http://127.0.0.1:5432/',
      'http://169.254.169.254/latest/meta-data',
      'https://user:pw@mms.telesign.com/a.jpg',
    ]) {
      expect(mediaUrlRefusal(url, allowlist).refusal, url).not.toBeNull();
    }
  });
});
