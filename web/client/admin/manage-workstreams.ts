import { AUTOMATED_LANGUAGES, AUTOMATED_TRIGGERS } from '../../../domain/automated-messages.js';
import { PRESENCES } from '../../../domain/vocabulary.js';
import { $, h } from '../common.js';
import { client, send } from './api.js';
import { csatFields } from './channel-csat.js';
import { action, box, button, deleteButton, item, labelled, num, select, text } from './manage-kit.js';
import { state, t } from './state.js';

/** Workstreams with every setting the API has, and SMS channels (language, attachments, automated messages). */

type Bots = { id: string; name: string }[];

// Each numeric setting with the API's bounds (api/resources/workstreams/workstreams.routes.ts).
const NUMBERS = {
  offerTimeoutSeconds: [10, 3600],
  capacityUnits: [1, 1000],
  wrapUpMinutes: [1, 43200],
  autoCloseAfterInactivityMinutes: [1, 525600],
  reopenWindowMinutes: [0, 525600],
  openTimeoutMinutes: [1, 525600],
} as const;
const FLAGS = ['autoAccept', 'keepSameAgent', 'blockCapacityForWrapUp'] as const;
const LABELS: Record<string, string> = { offerTimeoutSeconds: 'offerTimeout' };

export function renderWorkstreams(bots: Bots, reload: () => Promise<void>) {
  $('manage-workstreams-list').replaceChildren(
    ...state.workstreams.map((w) => {
      const name = text(`${t.name}: ${w.name}`, w.name);
      const nums = Object.entries(NUMBERS).map(([k, [min, max]]) => {
        const label = t[LABELS[k] ?? ''] ?? k;
        return [k, num(`${label}: ${w.name}`, w[k as keyof typeof NUMBERS], min, max), label] as const;
      });
      const flags = FLAGS.map((k) => [k, box(`${k}: ${w.name}`, w[k])] as const);
      const queue = select(
        `${t.defaultQueue}: ${w.name}`,
        state.queues.map((q) => [q.id, q.name]),
        w.defaultQueueId,
      );
      const presences = select(
        `allowedPresences: ${w.name}`,
        PRESENCES.map((p) => [p, t[p] ?? p]),
        w.allowedPresences.join(','),
        true,
      );
      const skill = select(
        `skillMatching: ${w.name}`,
        [
          ['exact', 'exact'],
          ['none', 'none'],
        ],
        w.skillMatching,
      );
      const bot = select(
        `${t.bots}: ${w.name}`,
        [['', '–'], ...bots.map((b) => [b.id, b.name] as [string, string])],
        w.botId ?? '',
      );
      const act = (run: () => Promise<unknown>) => action('workstreams', run, reload);
      const save = act(() =>
        send(
          client.workstreams[':id'].$patch({
            param: { id: w.id },
            json: {
              name: name.value,
              defaultQueueId: queue.value,
              allowedPresences: Array.from(presences.selectedOptions).map((o) => o.value) as typeof w.allowedPresences,
              skillMatching: skill.value as 'exact' | 'none',
              botId: bot.value || null,
              ...Object.fromEntries(nums.map(([k, input]) => [k, Number(input.value)])),
              ...Object.fromEntries(flags.map(([k, input]) => [k, input.checked])),
            },
          }),
        ),
      );
      return h(
        'fieldset',
        { 'data-workstream': w.id },
        h('legend', {}, `${w.name} · ${w.distributionMode}`),
        item(name, labelled(t.defaultQueue!, queue), labelled(t.bots!, bot), skill),
        item(...nums.map(([, input, label]) => labelled(label, input))),
        item(...flags.map(([k, input]) => labelled(k, input)), labelled(t.presence!, presences)),
        item(
          button(t.save!, save),
          deleteButton(
            w.name,
            act(() => send(client.workstreams[':id'].$delete({ param: { id: w.id } }))),
          ),
        ),
      );
    }),
  );
}

export function renderChannels(reload: () => Promise<void>) {
  $('manage-channels-list').replaceChildren(
    ...state.channels.map((c) => {
      const ws = state.workstreams.find((w) => w.id === c.workstreamId);
      const label = `${c.number} → ${ws?.name ?? ''}`;
      const language = select(
        `${t.language}: ${label}`,
        AUTOMATED_LANGUAGES.map((l) => [l, l]),
        c.language,
      );
      const customers = box(`${t.customersCanSend}: ${label}`, c.attachments.customersCanSend);
      const agents = box(`${t.agentsCanSend}: ${label}`, c.attachments.agentsCanSend);
      const messages = AUTOMATED_TRIGGERS.map(
        (tr) =>
          [
            tr,
            h('textarea', { rows: 1, maxlength: 1600, 'aria-label': `${tr}: ${label}` }, c.automatedMessages[tr] ?? ''),
          ] as const,
      );
      const csat = csatFields(c.id, label);
      const act = (run: () => Promise<unknown>) => action('channels', run, reload);
      const param = { id: c.workstreamId, channelId: c.id };
      return h(
        'fieldset',
        { 'data-channel': c.id },
        h('legend', {}, label),
        item(
          labelled(t.language!, language),
          labelled(t.customersCanSend!, customers),
          labelled(t.agentsCanSend!, agents),
        ),
        csat.node,
        h('details', {}, h('summary', {}, t.automatedMessages), ...messages.map(([tr, ta]) => labelled(tr, ta))),
        item(
          button(
            t.save!,
            act(async () => {
              await send(
                client.workstreams[':id']['sms-channels'][':channelId'].$patch({
                  param,
                  json: {
                    language: language.value as (typeof AUTOMATED_LANGUAGES)[number],
                    attachments: { customersCanSend: customers.checked, agentsCanSend: agents.checked },
                    automatedMessages: Object.fromEntries(
                      messages
                        .map(([tr, ta]) => [tr, (ta as HTMLTextAreaElement).value] as const)
                        .filter(([, v]) => v.trim()),
                    ),
                  },
                }),
              );
              await csat.save();
            }),
          ),
          deleteButton(
            label,
            act(() => send(client.workstreams[':id']['sms-channels'][':channelId'].$delete({ param }))),
          ),
        ),
      );
    }),
  );
}
