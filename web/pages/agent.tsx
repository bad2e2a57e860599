import { PRESENCES, type Role } from '../../domain/vocabulary.js';
import type { Dict, Lang } from '../i18n.js';
import {
  CustomerPanel,
  NewConversationDialog,
  QuickReplyPopup,
  SearchResults,
  WorkspaceTools,
} from './agent-workspace-b.js';
import { Layout, TopBar } from './layout.js';

const LISTS = ['offered', 'missed', 'backlog', 'active', 'waiting', 'wrap_up', 'closed'] as const;

type Props = {
  t: Dict;
  lang: Lang;
  css: string;
  script: string;
  user: { id: string; name: string; role: Role };
  temporalUiUrl: string;
};

/** The agent workspace shell; the client script fills the lists and the conversation from the API and SSE. */
export function AgentPage(p: Props) {
  const { t } = p;
  const staff = p.user.role !== 'agent';
  return (
    <Layout
      title={t.agentWorkspace}
      lang={p.lang}
      t={t}
      css={p.css}
      script={p.script}
      data={{ user: p.user, lang: p.lang, t, staff }}
      header={
        <TopBar t={t} title={t.agentWorkspace} lang={p.lang} path="/app">
          <span>{p.user.name}</span>
          <label>
            {t.presence}
            <select id="presence" disabled>
              {PRESENCES.map((v) => (
                <option value={v}>{t[v]}</option>
              ))}
            </select>
          </label>
          <span>
            {t.capacity}: <span id="capacity">–</span>
          </span>
          <span id="conn" class="conn" role="status" aria-live="polite">
            …
          </span>
          <label class="inline">
            <input type="checkbox" id="offer-sound" />
            {t.soundOnOffers}
          </label>
          <button type="button" class="secondary" id="allow-notifications" hidden>
            {t.allowNotifications}
          </button>
          {p.user.role === 'admin' ? <a href={`/admin?lang=${p.lang}`}>{t.adminSetup}</a> : null}
        </TopBar>
      }
    >
      <WorkspaceTools t={t} />
      <SearchResults t={t} />
      <div class="workspace">
        <nav class="lists panel" aria-label={t.agentWorkspace}>
          {LISTS.map((k) => (
            <section aria-labelledby={`h-${k}`}>
              <h3 id={`h-${k}`}>
                {k === 'closed' ? t.closedToday : t[k]}{' '}
                <span class="count" id={`count-${k}`}>
                  0
                </span>{' '}
                <span class="unread" id={`unread-${k}`} hidden />
              </h3>
              <ul id={`list-${k}`} data-list={k} />
            </section>
          ))}
        </nav>
        <section class="panel conversation" id="conversation" aria-labelledby="conv-title">
          <p id="offer-status" class="banner" role="status" hidden />
          <p id="empty" class="muted">
            {t.selectConversation}
          </p>
          <div id="conv" hidden>
            <h2 id="conv-title">–</h2>
            <p class="muted" id="conv-meta" />
            <p id="offer-countdown" class="countdown" hidden />
            {staff ? (
              <p>
                <a id="temporal-link" href={p.temporalUiUrl} target="_blank" rel="noopener">
                  {t.temporalLink}
                </a>
              </p>
            ) : null}
            <p id="opted-out" class="banner" role="alert" hidden>
              {t.optedOut}
            </p>
            <div class="actions" id="conv-actions">
              <button type="button" data-action="pick">
                {t.pick}
              </button>
              <button type="button" data-action="accept" aria-keyshortcuts="Alt+A">
                {t.accept}
              </button>
              <button type="button" class="secondary" data-action="reject">
                {t.reject}
              </button>
              <button type="button" class="secondary" data-action="wait">
                {t.wait}
              </button>
              <button type="button" class="secondary" data-action="end">
                {t.end}
              </button>
              <button type="button" class="secondary" data-action="close">
                {t.close}
              </button>
              <span class="picker" id="transfer-picker">
                <label class="inline" for="transfer-target">
                  {t.transferToLabel}
                </label>
                <select id="transfer-target" />
              </span>
              <button type="button" class="secondary" data-action="transfer">
                {t.transfer}
              </button>
            </div>
            <p id="action-error" class="error" role="alert" />
            <ol class="transcript" id="transcript" aria-label={t.transcript} />
            <form class="composer" id="composer">
              <QuickReplyPopup t={t} />
              <label for="reply">{t.reply}</label>
              <textarea id="reply" rows={3} maxlength={4000} aria-describedby="counter shortcuts" />
              <div class="actions">
                <button type="submit" id="send">
                  {t.send}
                </button>
                <span id="counter" class="counter" aria-live="polite" />
              </div>
            </form>
            <p id="shortcuts" class="help">
              {t.shortcuts}
            </p>
            <form id="note-form">
              <label for="note">{t.note}</label>
              <textarea id="note" rows={2} maxlength={4000} />
              <div class="actions">
                <button type="submit" class="secondary">
                  {t.addNote}
                </button>
              </div>
            </form>
            {/* Side panels (customer profile, history…) render here, next to the transcript. */}
            <aside id="conv-side" class="conv-side" />
          </div>
        </section>
        <CustomerPanel t={t} staff={staff} />
      </div>
      <p id="announcer" class="skip" aria-live="assertive" aria-atomic="true" />
      <NewConversationDialog t={t} />
      {staff ? <SupervisorPanel t={t} /> : null}
    </Layout>
  );
}

function SupervisorPanel({ t }: { t: Dict }) {
  return (
    <section class="supervisor" aria-labelledby="h-supervisor">
      <h2 id="h-supervisor">
        {t.supervisor} · <a href="/reports">{t.reports}</a>
      </h2>
      <div class="grid">
        <div class="panel">
          <h3>{t.queues}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.queue}</th>
                <th scope="col">{t.open}</th>
                <th scope="col">{t.waiting}</th>
                <th scope="col">{t.active}</th>
                <th scope="col">{t.longestWait}</th>
              </tr>
            </thead>
            <tbody id="sup-queues" />
          </table>
        </div>
        <div class="panel">
          <h3>{t.agents}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.agent}</th>
                <th scope="col">{t.presence}</th>
                <th scope="col">{t.capacity}</th>
              </tr>
            </thead>
            <tbody id="sup-agents" />
          </table>
        </div>
      </div>
      <div class="panel spaced">
        <h3>{t.ongoing}</h3>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.customer}</th>
              <th scope="col">{t.state}</th>
              <th scope="col">{t.queue}</th>
              <th scope="col">{t.agent}</th>
              <th scope="col">{t.sla}</th>
              <th scope="col">
                <span class="skip">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody id="sup-ongoing" />
        </table>
      </div>
    </section>
  );
}
