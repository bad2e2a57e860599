import type { Role } from '../../domain/vocabulary.js';
import type { Dict, Lang } from '../i18n.js';
import { Layout, TopBar } from './layout.js';

type Props = { t: Dict; lang: Lang; css: string; script: string; user: { id: string; name: string; role: Role } };

/** Supervisor reports: a chart of the last 14 days and the daily table per queue; the client script fills both. */
export function ReportsPage(p: Props) {
  const { t } = p;
  return (
    <Layout
      title={t.reports}
      lang={p.lang}
      t={t}
      css={p.css}
      script={p.script}
      data={{ lang: p.lang, t }}
      header={
        <TopBar t={t} title={t.reports} lang={p.lang} path="/reports">
          <a href="/app">{t.backToWorkspace}</a>
        </TopBar>
      }
    >
      <section class="panel reports" aria-labelledby="reports-title">
        <h2 id="reports-title">{t.reportsTitle}</h2>
        <p class="muted" id="reports-range">
          {t.reportsLast14}
        </p>
        <p>
          <label for="reports-queue">{t.queue}</label>{' '}
          <select id="reports-queue">
            <option value="">{t.reportsAll}</option>
          </select>{' '}
          <a id="reports-csv" href="/api/v1/reports/queues?format=csv" download>
            {t.reportsDownloadCsv}
          </a>{' '}
          · <a href="/api/v1/reports/agents?format=csv">{`${t.reportsByAgent} (CSV)`}</a>
        </p>
        <div class="reports-chart">
          <canvas id="reports-chart" role="img" aria-label={t.reportsChart} />
        </div>
        <p id="reports-error" class="error" role="alert" />
        <table>
          <caption>{t.reportsByQueue}</caption>
          <thead>
            <tr>
              <th scope="col">{t.reportsDay}</th>
              <th scope="col">{t.reportsConversations}</th>
              <th scope="col">{t.reportsFirstP50}</th>
              <th scope="col">{t.reportsFirstP90}</th>
              <th scope="col">{t.reportsNextP50}</th>
              <th scope="col">{t.reportsResolutionP50}</th>
              <th scope="col">{t.reportsAttainment}</th>
              <th scope="col">{t.reportsCsat}</th>
              <th scope="col">{t.reportsOverflow}</th>
            </tr>
          </thead>
          <tbody id="reports-rows" />
        </table>
      </section>
    </Layout>
  );
}
