import { $ } from '../common.js';
import { client, send } from './api.js';
import { action, button, deleteButton, item, sectionProblem, text } from './manage-kit.js';
import { t } from './state.js';

/** The organisation's SMS switch and the messages it held while off (count and release). Bots: rename, delete. */
export async function renderOrganisation() {
  const [settings, held] = await Promise.all([
    send(client.settings.$get()),
    send(client.inbox.$get({ query: { status: 'held', limit: '500' } })),
  ]);
  $<HTMLInputElement>('org-smsEnabled').checked = settings.smsEnabled;
  $('org-held').textContent = `${t.heldMessages}: ${held.items.length}`;
  $<HTMLButtonElement>('org-release').disabled = held.items.length === 0;
}

export function initOrganisation() {
  $('org-smsEnabled').addEventListener('change', async () => {
    try {
      await send(client.settings.$put({ json: { smsEnabled: $<HTMLInputElement>('org-smsEnabled').checked } }));
      $('org-status').textContent = t.saved!;
      await renderOrganisation();
    } catch (err) {
      sectionProblem('organisation', err);
    }
  });
  $('org-release').addEventListener('click', async () => {
    try {
      await send(client.inbox['release-held'].$post({ json: {} }));
      $('org-status').textContent = t.released!;
      await renderOrganisation();
    } catch (err) {
      sectionProblem('organisation', err);
    }
  });
}

export async function renderBots(reload: () => Promise<void>) {
  const bots = (await send(client.bots.$get())).items;
  $('manage-bots-list').replaceChildren(
    ...bots.map((b) => {
      const name = text(`${t.name}: ${b.name}`, b.name);
      const act = (run: () => Promise<unknown>) => action('bots', run, reload);
      return item(
        name,
        b.kind,
        button(
          t.save!,
          act(() => send(client.bots[':id'].$patch({ param: { id: b.id }, json: { name: name.value } }))),
        ),
        deleteButton(
          b.name,
          act(() => send(client.bots[':id'].$delete({ param: { id: b.id } }))),
        ),
      );
    }),
  );
  return bots;
}
