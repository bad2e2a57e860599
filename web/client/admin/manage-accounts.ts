import { $ } from '../common.js';
import { client, send } from './api.js';
import { action, box, button, deleteButton, item, labelled, select, text } from './manage-kit.js';
import { state, t } from './state.js';

/** Messaging accounts (rename, enable/disable, replace the key, validate, delete) and phone numbers (edit, delete). */
export function renderAccounts(reload: () => Promise<void>) {
  $('manage-accounts-list').replaceChildren(
    ...state.accounts.map((a) => {
      const name = text(`${t.name}: ${a.name}`, a.name);
      const enabled = box(`${t.enabled}: ${a.name}`, a.enabled);
      const key = text(`${t.newApiKey}: ${a.name}`, '', { type: 'password', autocomplete: 'new-password' });
      const act = (run: () => Promise<unknown>) => action('accounts', run, reload);
      const id = { id: a.id };
      return item(
        name,
        `${a.customerId} · ${a.apiKeyHint} · ${a.validation.status}`,
        labelled(t.enabled!, enabled),
        button(
          t.save!,
          act(() =>
            send(
              client['messaging-accounts'][':id'].$patch({
                param: id,
                json: { name: name.value, enabled: enabled.checked },
              }),
            ),
          ),
        ),
        key,
        button(
          t.rotateKey!,
          act(async () => {
            await send(client['messaging-accounts'][':id'].$patch({ param: id, json: { apiKey: key.value } }));
            await send(client['messaging-accounts'][':id'].validate.$post({ param: id }));
          }),
        ),
        button(
          t.validate!,
          act(() => send(client['messaging-accounts'][':id'].validate.$post({ param: id }))),
        ),
        deleteButton(
          a.name,
          act(() => send(client['messaging-accounts'][':id'].$delete({ param: id }))),
        ),
      );
    }),
  );
  $('manage-numbers-list').replaceChildren(
    ...state.allNumbers.map((n) => {
      const type = select(
        `${t.type}: ${n.number}`,
        [
          ['geo', 'Geo'],
          ['short_code', 'Short code'],
          ['toll_free', 'Toll free'],
        ],
        n.type,
      );
      const description = text(`${t.description}: ${n.number}`, n.description ?? '');
      const act = (run: () => Promise<unknown>) => action('numbers', run, reload);
      return item(
        `${n.number} · ${state.accounts.find((a) => a.id === n.accountId)?.name ?? ''}${n.channelId ? ` · ${t.inUse}` : ''}`,
        type,
        description,
        button(
          t.save!,
          act(() =>
            send(
              client['phone-numbers'][':id'].$patch({
                param: { id: n.id },
                json: {
                  type: type.value as 'geo' | 'short_code' | 'toll_free',
                  description: description.value || null,
                },
              }),
            ),
          ),
        ),
        deleteButton(
          n.number,
          act(() => send(client['phone-numbers'][':id'].$delete({ param: { id: n.id } }))),
        ),
      );
    }),
  );
}
