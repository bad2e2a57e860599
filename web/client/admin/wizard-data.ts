import { client, send } from './api.js';
import { state } from './state.js';

/** Reads what exists (accounts, numbers, channels) so the wizard can resume and warn about duplicates. */
export async function loadSetup() {
  const [accounts, numbers] = await Promise.all([
    send(client['messaging-accounts'].$get()),
    send(client['phone-numbers'].$get({ query: {} })),
  ]);
  state.accounts = accounts.items;
  state.allNumbers = numbers.items;
  const lists = await Promise.all(
    state.workstreams.map((w) => send(client.workstreams[':id']['sms-channels'].$get({ param: { id: w.id } }))),
  );
  state.channels = lists.flatMap((l) => l.items);
  if (state.account) {
    state.account = state.accounts.find((a) => a.id === state.account!.id) ?? state.account;
    state.numbers = state.allNumbers.filter((n) => n.accountId === state.account!.id);
  }
}
