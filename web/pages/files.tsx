import type { Dict, Lang } from '../i18n.js';
import { Layout } from './layout.js';

/**
 * The customer's pages, opened from an SMS on a phone: one column, large touch targets, no sign-in (the link's token
 * is the credential). The scripts (web/client/files-*.ts) read the link through the public attachment API.
 */

type FilesPageProps = { t: Dict; lang: Lang; css: string; script: string; token: string };

export function FileDownloadPage(p: FilesPageProps) {
  return (
    <Layout title={p.t.filesTitle} lang={p.lang} t={p.t} css={p.css} script={p.script} data={{ token: p.token }}>
      <div class="panel files-page">
        <h2>{p.t.filesTitle}</h2>
        <p id="files-status" role="status" aria-live="polite">
          {p.t.filesIntro}
        </p>
        <dl id="files-meta" hidden>
          <dt>{p.t.attFiles}</dt>
          <dd id="files-name" />
          <dt>{p.t.filesSize}</dt>
          <dd id="files-size" />
          <dt>{p.t.filesAvailableUntil}</dt>
          <dd id="files-expires" />
        </dl>
        <a
          id="files-download"
          class="button big"
          href={`/api/v1/public/files/${encodeURIComponent(p.token)}/content`}
          download
          hidden
        >
          {p.t.attDownload}
        </a>
      </div>
    </Layout>
  );
}

export function FileUploadPage(p: FilesPageProps) {
  return (
    <Layout title={p.t.uploadTitle} lang={p.lang} t={p.t} css={p.css} script={p.script} data={{ token: p.token }}>
      <div class="panel files-page">
        <h2>{p.t.uploadTitle}</h2>
        <p>{p.t.uploadIntro}</p>
        <form id="upload-form" hidden>
          <label class="button big" for="upload-camera">
            {p.t.uploadPhoto}
          </label>
          <input id="upload-camera" class="visually-hidden" type="file" accept="image/*" capture="environment" />
          <label class="button big secondary" for="upload-file">
            {p.t.uploadChoose}
          </label>
          <input
            id="upload-file"
            class="visually-hidden"
            type="file"
            accept="image/*,application/pdf,audio/*,video/*,text/csv,.csv"
          />
          <p id="upload-chosen" />
          <p class="help" id="upload-limits" />
          <button type="submit" class="big" id="upload-send">
            {p.t.uploadSend}
          </button>
        </form>
        <p id="upload-status" role="status" aria-live="polite" />
      </div>
    </Layout>
  );
}
