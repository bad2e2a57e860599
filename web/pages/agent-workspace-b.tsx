import type { Dict } from '../i18n.js';

/**
 * The workspace's search bar, "New conversation" dialog and customer side panel (issue #15, items 4–7). Rendered by
 * agent.tsx; web/client/agent-search.ts, agent-new-conversation.ts, agent-customer.ts and agent-quick-replies.ts
 * bring them to life.
 */

export function WorkspaceTools({ t }: { t: Dict }) {
  return (
    <div class="ws-tools">
      <search>
        <form id="ws-search" class="ws-search">
          <label for="ws-search-q" class="skip">
            {t.wsSearch}
          </label>
          <input id="ws-search-q" type="search" name="q" maxlength={200} placeholder={t.wsSearchPlaceholder} />
          <button type="submit" class="secondary">
            {t.wsSearchButton}
          </button>
        </form>
      </search>
      <button type="button" id="ws-new-open">
        {t.wsNewConversation}
      </button>
    </div>
  );
}

export function SearchResults({ t }: { t: Dict }) {
  return (
    <section id="ws-search-results" class="panel spaced" aria-labelledby="ws-search-h" hidden>
      <div class="actions">
        <h2 id="ws-search-h">{t.wsSearchResults}</h2>
        <button type="button" class="link" id="ws-search-close">
          {t.wsSearchClose}
        </button>
      </div>
      <p id="ws-search-status" role="status" aria-live="polite" class="muted" />
      <ul id="ws-search-list" class="ws-hits" />
      <button type="button" class="secondary" id="ws-search-more" hidden>
        {t.wsSearchMore}
      </button>
    </section>
  );
}

export function NewConversationDialog({ t }: { t: Dict }) {
  return (
    <dialog id="ws-new-dialog" aria-labelledby="ws-new-h">
      <form id="ws-new-form" method="dialog">
        <h2 id="ws-new-h">{t.wsNewConversation}</h2>
        <label for="ws-new-number">{t.wsCustomerNumber}</label>
        <input
          id="ws-new-number"
          name="customerNumber"
          inputmode="numeric"
          autocomplete="off"
          required
          aria-describedby="ws-new-number-help ws-new-number-error"
        />
        <p id="ws-new-number-help" class="muted">
          {t.wsCustomerNumberHelp}
        </p>
        <p id="ws-new-number-error" class="error" />
        <label for="ws-new-channel">{t.wsFromNumber}</label>
        <select id="ws-new-channel" name="channelId" required aria-describedby="ws-new-channel-error" />
        <p id="ws-new-channel-error" class="error" />
        <label for="ws-new-text">{t.wsMessage}</label>
        <textarea id="ws-new-text" name="text" rows={3} required aria-describedby="ws-new-counter ws-new-text-error" />
        <p id="ws-new-counter" class="counter muted" aria-live="polite" />
        <p id="ws-new-text-error" class="error" />
        <p id="ws-new-error" class="error" role="alert" />
        <div class="actions">
          <button type="submit" id="ws-new-submit">
            {t.wsStart}
          </button>
          <button type="button" class="secondary" id="ws-new-cancel">
            {t.wsCancel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function CustomerPanel({ t, staff }: { t: Dict; staff: boolean }) {
  return (
    <aside id="customer-panel" class="panel customer-panel" aria-labelledby="cust-h" hidden>
      <h2 id="cust-h">
        {t.wsCustomer} <span id="cust-number" />
      </h2>
      <form id="cust-form">
        <label for="cust-name">{t.wsCustomerName}</label>
        <input id="cust-name" maxlength={200} autocomplete="off" />
        <label for="cust-tags">{t.wsTags}</label>
        <input id="cust-tags" autocomplete="off" aria-describedby="cust-tags-help" />
        <p id="cust-tags-help" class="muted">
          {t.wsTagsHelp}
        </p>
        {staff ? (
          <>
            <label for="cust-language">{t.wsLanguage}</label>
            <input id="cust-language" maxlength={35} autocomplete="off" />
          </>
        ) : null}
        <label for="cust-notes">{t.wsNotes}</label>
        <textarea id="cust-notes" rows={3} maxlength={4000} />
        <div class="actions">
          <button type="submit" class="secondary">
            {t.wsSaveCustomer}
          </button>
          <span id="cust-status" role="status" aria-live="polite" />
        </div>
        <p id="cust-error" class="error" role="alert" />
      </form>
      <h3>{t.wsConsent}</h3>
      <ul id="cust-consent" class="ws-consent" />
      <h3>{t.wsHistory}</h3>
      <div id="cust-history" />
    </aside>
  );
}

export function QuickReplyPopup({ t }: { t: Dict }) {
  return (
    <div id="qr-popup" class="qr-popup" hidden>
      <p class="muted" id="qr-label">
        {t.wsQuickReplies}
      </p>
      <div id="qr-list" role="listbox" aria-labelledby="qr-label" />
      <p id="qr-empty" class="muted" hidden>
        {t.wsQuickRepliesNone}
      </p>
    </div>
  );
}
