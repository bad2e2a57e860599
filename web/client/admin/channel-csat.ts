import { CSAT_MAX_WINDOW_MINUTES } from '../../../domain/csat.js';
import { ApiError, h } from '../common.js';
import { client, send } from './api.js';
import { labelled } from './manage-kit.js';
import { t } from './state.js';

/**
 * A channel's CSAT survey switch and reply window (GET/PUT /sms-channels/{id}/csat, issue #16) inside its edit
 * fieldset: read when the list is built, saved with the channel. A refused window is shown beside its field.
 */
export function csatFields(channelId: string, label: string) {
  const enabled = h('input', { type: 'checkbox', 'aria-label': `${t.csatSurvey}: ${label}` }) as HTMLInputElement;
  const replyWindow = h('input', {
    type: 'number',
    min: 1,
    max: CSAT_MAX_WINDOW_MINUTES,
    'aria-label': `${t.csatWindow}: ${label}`,
  }) as HTMLInputElement;
  const problem = h('p', { class: 'error', role: 'alert' });
  const errorId = `csat-${channelId}-error`;
  problem.id = errorId;
  replyWindow.setAttribute('aria-describedby', errorId);
  // Disabled until the stored settings are read, so a save never switches the survey off by accident.
  enabled.disabled = true;
  replyWindow.disabled = true;
  const loaded = send(client['sms-channels'][':id'].csat.$get({ param: { id: channelId } })).then((s) => {
    enabled.checked = s.enabled;
    replyWindow.value = String(s.windowMinutes);
    enabled.disabled = false;
    replyWindow.disabled = false;
  });
  loaded.catch((err) => {
    problem.textContent = err instanceof ApiError ? err.problem.detail : String(err);
  });

  const node = h(
    'div',
    { class: 'row manage-item', 'data-csat': channelId },
    labelled(t.csatSurvey!, enabled),
    labelled(t.csatWindow!, replyWindow),
    problem,
  );

  async function save(): Promise<void> {
    await loaded;
    problem.textContent = '';
    replyWindow.removeAttribute('aria-invalid');
    try {
      await send(
        client['sms-channels'][':id'].csat.$put({
          param: { id: channelId },
          json: {
            enabled: enabled.checked,
            windowMinutes: replyWindow.value.trim() === '' ? Number.NaN : Number(replyWindow.value),
          },
        }),
      );
    } catch (err) {
      const mine = err instanceof ApiError ? err.problem.errors?.find((e) => e.path === 'windowMinutes') : undefined;
      if (mine) {
        problem.textContent = `${t.csatWindow}: ${mine.message}`;
        replyWindow.setAttribute('aria-invalid', 'true');
      }
      throw err;
    }
  }
  return { node, save };
}
