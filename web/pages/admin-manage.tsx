import { ROUTING_FIELDS, ROUTING_OPERATORS } from '../../domain/routing-evaluator.js';
import type { Dict } from '../i18n.js';
import { Field } from './admin-field.js';

/*
 * The admin page below the wizard: everything the wizard set up stays editable here. ManageSetup's sections are
 * filled by web/client/admin/manage-*.ts; Manage holds queues, agents and routing rules.
 */

/**
 * Sections that edit and delete what the wizard set up (filled by web/client/admin/manage-*.ts). Each has an anchor
 * the readiness checklist links to (`#manage-…`).
 */
export function ManageSetup({ t }: { t: Dict }) {
  const section = (id: string, title: string, extra?: unknown) => (
    <section class="panel spaced" id={`manage-${id}`} aria-labelledby={`h-manage-${id}`}>
      <h2 id={`h-manage-${id}`}>{title}</h2>
      <p class="error" id={`manage-${id}-error`} role="alert" />
      <div id={`manage-${id}-list`} />
      {extra}
    </section>
  );
  return (
    <div class="supervisor">
      {section(
        'organisation',
        t.organisation,
        <div class="row">
          <label class="inline">
            <input type="checkbox" id="org-smsEnabled" /> {t.smsSwitch}
          </label>
          <span id="org-held" />
          <button type="button" class="secondary" id="org-release">
            {t.releaseHeld}
          </button>
          <span id="org-status" role="status" aria-live="polite" />
        </div>,
      )}
      {section('accounts', t.accounts)}
      {section('numbers', t.numbers)}
      {section('workstreams', t.workstreams)}
      {section('channels', t.channels)}
      {section('bots', t.bots)}
    </div>
  );
}

/** Queues, routing rules and agents, editable after the wizard. */
export function Manage({ t }: { t: Dict }) {
  return (
    <div class="supervisor">
      <div class="grid">
        <section class="panel" aria-labelledby="h-queues">
          <h2 id="h-queues">{t.queues}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">Assignment</th>
                <th scope="col">{t.agents}</th>
                <th scope="col">
                  <span class="skip">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody id="queues" />
          </table>
          <form id="form-queue" class="row">
            <Field id="queue-name" label={t.name} required />
            <div>
              <label for="queue-method">Assignment</label>
              <select id="queue-method">
                <option value="highest_capacity">highest_capacity</option>
                <option value="round_robin">round_robin</option>
                <option value="least_active">least_active</option>
              </select>
            </div>
            <button type="submit">{t.addQueue}</button>
          </form>
        </section>
        <section class="panel" id="manage-agents" aria-labelledby="h-agents">
          <h2 id="h-agents">{t.agents}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.role}</th>
                <th scope="col">{t.capacity}</th>
                <th scope="col">{t.queues}</th>
                <th scope="col">
                  <span class="skip">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody id="agents" />
          </table>
          <form id="form-agent" class="row">
            <Field id="agent-name" label={t.name} required />
            <div>
              <label for="agent-role">{t.role}</label>
              <select id="agent-role">
                <option value="agent">agent</option>
                <option value="supervisor">supervisor</option>
                <option value="admin">admin</option>
              </select>
            </div>
            <div>
              <label for="agent-capacity">{t.capacity}</label>
              <input id="agent-capacity" type="number" min={0} max={100} value="3" />
            </div>
            <button type="submit">{t.addAgent}</button>
          </form>
          <p id="agent-token" class="banner" role="status" hidden />
        </section>
      </div>
      <section class="panel spaced" aria-labelledby="h-rules">
        <h2 id="h-rules">{t.routingRules}</h2>
        <label for="rules-workstream">{t.workstream}</label>
        <select id="rules-workstream" />
        <table>
          <thead>
            <tr>
              <th scope="col">{t.order}</th>
              <th scope="col">{t.name}</th>
              <th scope="col">Conditions</th>
              <th scope="col">{t.queue}</th>
              <th scope="col">
                <span class="skip">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody id="rules" />
        </table>
        <form id="form-rule" class="row">
          <Field id="rule-name" label={t.name} required />
          <div>
            <label for="rule-order">{t.order}</label>
            <input id="rule-order" type="number" min={0} value="10" />
          </div>
          <div>
            <label for="rule-field">{t.field}</label>
            <select id="rule-field">
              {ROUTING_FIELDS.map((f) => (
                <option value={f}>{f}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="rule-operator">{t.operator}</label>
            <select id="rule-operator">
              {ROUTING_OPERATORS.map((o) => (
                <option value={o}>{o}</option>
              ))}
            </select>
          </div>
          <Field id="rule-value" label={t.value} required />
          <div>
            <label for="rule-queue">{t.queue}</label>
            <select id="rule-queue" />
          </div>
          <button type="submit">{t.addRule}</button>
        </form>
        <p class="error" id="rule-error" role="alert" />
      </section>
    </div>
  );
}
