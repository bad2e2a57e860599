import { data } from './context.js';

/** Per-user settings and small state kept in this browser (localStorage), namespaced by the signed-in user. */
const key = (name: string) => `smsdesk:${data.user.id}:${name}`;

export function load<T>(name: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key(name));
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function save(name: string, value: unknown) {
  try {
    localStorage.setItem(key(name), JSON.stringify(value));
  } catch {
    // Storage full or disabled: the setting lasts for this page only.
  }
}
