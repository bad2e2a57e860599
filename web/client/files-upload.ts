import { DICTS, pickLang } from '../i18n.js';
import { formatBytes, problemText, tokenOfPage } from './files-common.js';

/** The customer's upload page: a photo from the camera or a document, sent once through the single-use link. */

const t = DICTS[pickLang(undefined, document.documentElement.lang)];
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const token = encodeURIComponent(tokenOfPage());
const status = $('upload-status');
let chosen: File | null = null;

for (const id of ['upload-camera', 'upload-file']) {
  $<HTMLInputElement>(id).addEventListener('change', (e) => {
    chosen = (e.target as HTMLInputElement).files?.[0] ?? null;
    $('upload-chosen').textContent = chosen ? `${chosen.name} (${formatBytes(chosen.size)})` : '';
  });
}

$('upload-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!chosen) {
    status.textContent = t.uploadNoFile;
    return;
  }
  const send = $<HTMLButtonElement>('upload-send');
  send.disabled = true;
  status.textContent = t.uploadSending;
  const form = new FormData();
  form.append('file', chosen, chosen.name);
  const res = await fetch(`/api/v1/public/uploads/${token}`, { method: 'POST', body: form }).catch(() => null);
  if (res?.status === 201) {
    $('upload-form').hidden = true;
    status.textContent = t.uploadDone;
    document.documentElement.dataset.uploaded = 'ok';
    return;
  }
  const body = (await res?.json().catch(() => ({}))) as { detail?: string } | undefined;
  status.textContent = res ? problemText(t, res.status, body?.detail ?? res.statusText) : 'Network error';
  send.disabled = res !== null && res.status === 410;
  if (res?.status === 410 || res?.status === 403) $('upload-form').hidden = true;
});

async function start() {
  const res = await fetch(`/api/v1/public/uploads/${token}`);
  const body = (await res.json().catch(() => ({}))) as { maxBytes?: number; detail?: string };
  if (!res.ok) {
    status.textContent = problemText(t, res.status, body.detail ?? res.statusText);
    document.documentElement.dataset.ready = 'gone';
    return;
  }
  $('upload-limits').textContent = `${t.uploadLimits} ${formatBytes(body.maxBytes ?? 0)}.`;
  $('upload-form').hidden = false;
  document.documentElement.dataset.ready = 'ok';
}

void start();
