import { DICTS, pickLang } from '../i18n.js';
import { formatBytes, problemText, tokenOfPage } from './files-common.js';

/** The customer's download page: shows what the link holds and a download button, or why the link no longer works. */

const t = DICTS[pickLang(undefined, document.documentElement.lang)];
const $ = (id: string) => document.getElementById(id)!;

async function start() {
  const token = tokenOfPage();
  const res = await fetch(`/api/v1/public/files/${encodeURIComponent(token)}`);
  const body = (await res.json().catch(() => ({}))) as {
    fileName?: string;
    size?: number;
    expiresAt?: string;
    detail?: string;
  };
  if (!res.ok) {
    $('files-status').textContent = problemText(t, res.status, body.detail ?? res.statusText);
    document.documentElement.dataset.ready = 'gone';
    return;
  }
  $('files-name').textContent = body.fileName ?? '';
  $('files-size').textContent = formatBytes(body.size ?? 0);
  $('files-expires').textContent = new Date(body.expiresAt ?? '').toLocaleString();
  $('files-meta').hidden = false;
  const link = $('files-download') as HTMLAnchorElement;
  link.href = `/api/v1/public/files/${encodeURIComponent(token)}/content`;
  link.setAttribute('download', body.fileName ?? '');
  link.hidden = false;
  document.documentElement.dataset.ready = 'ok';
}

void start();
