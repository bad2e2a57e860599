import {
  AUTOMATED_LANGUAGES,
  AUTOMATED_TRIGGERS,
  defaultAutomatedMessage,
  TRIGGER_DESCRIPTIONS,
} from '../../domain/automated-messages.js';
import type { Dict, Lang } from '../i18n.js';
import { Field } from './admin-field.js';
import { Manage, ManageSetup } from './admin-manage.js';
import { Layout, TopBar } from './layout.js';

type Props = { t: Dict; lang: Lang; css: string; script: string };

const STEPS = ['account', 'numbers', 'callback', 'workstream', 'channel', 'summary'] as const;
const LANG_NAMES: Record<string, string> = {
  en: 'English',
  bg: 'Български',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
};

/** The seed's setup flow as a wizard: each step is a form the client script submits to the setup API. */
export function AdminPage(p: Props) {
  const { t } = p;
  const stepTitle = {
    account: t.stepAccount,
    numbers: t.stepNumbers,
    callback: t.stepCallback,
    workstream: t.stepWorkstream,
    channel: t.stepChannel,
    summary: t.readiness,
  };
  return (
    <Layout
      title={t.adminSetup}
      lang={p.lang}
      t={t}
      css={p.css}
      script={p.script}
      data={{ lang: p.lang, t }}
      header={
        <TopBar t={t} title={t.adminSetup} lang={p.lang} path="/admin">
          <a href={`/app?lang=${p.lang}`}>{t.agentWorkspace}</a>
        </TopBar>
      }
    >
      <div class="admin">
        <nav aria-label={t.wizard}>
          <ol class="steps" id="steps">
            {STEPS.map((s, i) => (
              <li data-step={s} aria-current={i === 0 ? 'step' : undefined}>
                {stepTitle[s]}
              </li>
            ))}
          </ol>
        </nav>
        <div class="panel">
          <h2>{t.wizard}</h2>
          <p class="error" id="wizard-error" role="alert" />
          <p class="help" id="resume-note" hidden>
            {t.resumeNote}
          </p>

          <form novalidate class="step" data-step="account" id="form-account">
            <h3>{t.stepAccount}</h3>
            <div id="account-existing" hidden>
              <h4>{t.existingSetup}</h4>
              <ul id="account-existing-list" />
            </div>
            <div class="row">
              <Field id="account-name" label={t.name} required value="TeleSign" />
              <Field id="account-customerId" label={t.customerId} required />
              <Field
                id="account-apiKey"
                label={t.apiKey}
                type="password"
                autocomplete="new-password"
                required
                help={t.apiKeyHelp}
              />
            </div>
            <Field id="account-restEndpoint" label={t.restEndpoint} placeholder="https://rest-ww.telesign.com" />
            <div class="actions">
              <button type="submit" id="create-account">
                {t.createAccount}
              </button>
              <button type="button" class="secondary" id="replace-key" hidden>
                {t.rotateKey}
              </button>
              <button type="button" class="secondary" id="validate" disabled>
                {t.validate}
              </button>
              <span id="validation" role="status" aria-live="polite" />
            </div>
            <div class="actions">
              <button type="button" data-next="numbers" disabled id="account-next">
                {t.next}
              </button>
            </div>
          </form>

          <form novalidate class="step" data-step="numbers" id="form-numbers" hidden>
            <h3>{t.stepNumbers}</h3>
            <div class="row">
              <Field id="number-number" label={t.number} required help={t.numberHelp} />
              <div>
                <label for="number-type">{t.type}</label>
                <select id="number-type">
                  <option value="geo">Geo</option>
                  <option value="short_code">Short code</option>
                  <option value="toll_free">Toll free</option>
                </select>
              </div>
              <Field id="number-description" label={t.description} />
            </div>
            <div class="actions">
              <button type="submit">{t.addNumber}</button>
            </div>
            <ul id="numbers-added" />
            <div class="actions">
              <button type="button" class="secondary" data-next="account">
                {t.back}
              </button>
              <button type="button" data-next="callback" id="numbers-next" disabled>
                {t.next}
              </button>
            </div>
          </form>

          <form novalidate class="step" data-step="callback" hidden>
            <h3>{t.stepCallback}</h3>
            <label for="callback-url">{t.stepCallback}</label>
            <div class="row">
              <input id="callback-url" readonly size={70} aria-describedby="callback-help" />
              <button type="button" class="secondary" id="copy-callback">
                {t.copy}
              </button>
              <span id="copy-status" role="status" aria-live="polite" />
            </div>
            <p class="help" id="callback-help">
              {t.callbackHelp}
            </p>
            <div class="actions">
              <button type="button" class="secondary" data-next="numbers">
                {t.back}
              </button>
              <button type="button" data-next="workstream">
                {t.next}
              </button>
            </div>
          </form>

          <form novalidate class="step" data-step="workstream" id="form-workstream" hidden>
            <h3>{t.stepWorkstream}</h3>
            <div id="workstream-existing" hidden>
              <h4>{t.existingSetup}</h4>
              <ul id="workstream-existing-list" />
            </div>
            <div class="row">
              <Field id="workstream-name" label={t.workstreamName} required value="SMS support" />
              <div>
                <label for="workstream-mode">{t.distributionMode}</label>
                <select id="workstream-mode">
                  <option value="push">Push</option>
                  <option value="pick">Pick</option>
                </select>
              </div>
              <div>
                <label for="workstream-queue">{t.defaultQueue}</label>
                <select id="workstream-queue">
                  <option value="">{`+ ${t.newQueue}`}</option>
                </select>
              </div>
              <Field id="workstream-newQueue" label={t.newQueue} value="Support" />
            </div>
            <div class="actions">
              <button type="button" class="secondary" data-next="callback">
                {t.back}
              </button>
              <button type="submit">{t.createWorkstream}</button>
              <button type="button" data-next="channel" id="workstream-next" disabled>
                {t.next}
              </button>
            </div>
          </form>

          <form novalidate class="step" data-step="channel" id="form-channel" hidden>
            <h3>{t.stepChannel}</h3>
            <p class="ok" id="channel-existing" hidden />
            <div class="row">
              <div>
                <label for="channel-number">{t.smsNumber}</label>
                <select id="channel-number" aria-describedby="channel-phoneNumberId-error" />
                <p class="error" id="channel-phoneNumberId-error" data-error-for="channel-phoneNumberId" />
              </div>
              <div>
                <label for="channel-language">{t.language}</label>
                <select id="channel-language">
                  {AUTOMATED_LANGUAGES.map((l) => (
                    <option value={l} selected={l === p.lang}>
                      {LANG_NAMES[l] ?? l}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <fieldset>
              <legend>Attachments</legend>
              <label class="inline">
                <input type="checkbox" id="channel-customersCanSend" /> {t.customersCanSend}
              </label>
              <label class="inline">
                <input type="checkbox" id="channel-agentsCanSend" /> {t.agentsCanSend}
              </label>
            </fieldset>
            <details>
              <summary>{t.automatedMessages}</summary>
              {AUTOMATED_TRIGGERS.map((tr) => (
                <div>
                  <label for={`am-${tr}`}>{tr}</label>
                  <p class="help">{TRIGGER_DESCRIPTIONS[tr]}</p>
                  <textarea
                    id={`am-${tr}`}
                    data-trigger={tr}
                    rows={2}
                    maxlength={1600}
                    placeholder={defaultAutomatedMessage(tr, 'en')}
                  />
                  <p class="error" data-error-for={`channel-automatedMessages.${tr}`} />
                </div>
              ))}
            </details>
            <div class="actions">
              <button type="button" class="secondary" data-next="workstream">
                {t.back}
              </button>
              <button type="submit">{t.addChannel}</button>
              <button type="button" data-next="summary" id="channel-next" disabled>
                {t.next}
              </button>
            </div>
          </form>

          <form novalidate class="step" data-step="summary" id="form-summary" hidden>
            <h3>{t.stepSummary}</h3>
            <dl id="summary" />
            <h3>{t.readinessTitle}</h3>
            <ul id="readiness" class="checklist" aria-live="polite" />
            <p id="done" class="ok" role="status" hidden>
              {t.isLive}
            </p>
            <p id="not-live" class="error" role="status" hidden>
              {t.notLive}
            </p>
            <div class="actions">
              <button type="submit" id="finish">
                {t.recheck}
              </button>
              <button type="button" class="secondary" id="test-sms" hidden>
                {t.sendTestSms}
              </button>
              <span id="test-sms-status" role="status" aria-live="polite" />
            </div>
          </form>
        </div>
      </div>

      <ManageSetup t={t} />
      <Manage t={t} />
    </Layout>
  );
}
