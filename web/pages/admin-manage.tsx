import type { Dict } from '../i18n.js';

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
