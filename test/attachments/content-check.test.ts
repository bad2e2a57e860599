import { describe, expect, it } from 'vitest';
import { checkContent, safeFileName } from '../../attachments/content-check.js';
import { HTML_AS_PDF, PDF, png } from '../api/attachments/support.js';

describe('content check (magic bytes, not names)', () => {
  it('accepts PDF and PNG by their content', async () => {
    expect(await checkContent(PDF)).toMatchObject({ ok: true, contentType: 'application/pdf' });
    expect(await checkContent(png())).toMatchObject({ ok: true, contentType: 'image/png' });
  });

  it('accepts plain CSV text', async () => {
    expect(await checkContent(Buffer.from('name,amount\nAna,12.50\n'))).toMatchObject({
      ok: true,
      contentType: 'text/csv',
    });
  });

  it('refuses HTML, SVG and XML whatever they are called', async () => {
    for (const body of [
      HTML_AS_PDF,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from('<?xml version="1.0"?><x/>'),
      Buffer.from('a,b\n1,<script>alert(1)</script>\n'),
    ]) {
      expect((await checkContent(body)).ok, body.toString()).toBe(false);
    }
  });

  it('refuses other binary types, empty files and text with control bytes', async () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(40)]);
    expect(await checkContent(zip)).toMatchObject({ ok: false, reason: expect.stringMatching(/not accepted/) });
    expect(await checkContent(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'the file is empty' });
    expect((await checkContent(Buffer.from([0x41, 0x00, 0x42]))).ok).toBe(false);
  });

  it('keeps display names safe: no path, quotes, markup or control characters', () => {
    expect(safeFileName('../../etc/"pass<wd>".pdf', 'pdf')).toBe('passwd.pdf');
    expect(safeFileName('C:\\Users\\x\\photo.png', 'png')).toBe('photo.png');
    expect(safeFileName('', 'png')).toBe('file.png');
    expect(safeFileName('a\u0000b\u001f.csv', 'csv')).toBe('ab.csv');
  });
});
