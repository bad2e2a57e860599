import type { Presence } from '../../../domain/vocabulary.js';
import { READINESS_FIX, type ReadinessCheck } from './readiness.routes.js';

/** Everything the checklist is computed from, gathered by the handler; the checks themselves are pure. */
export type ReadinessFacts = {
  numbers: string[];
  accounts: {
    name: string;
    enabled: boolean;
    validationStatus: 'unvalidated' | 'valid' | 'invalid';
    callbackSeen: boolean;
    simulator: boolean;
    simulatorCallbackMatches: boolean;
  }[];
  queueName: string;
  members: { name: string; presence: Presence; capacity: number }[];
  allowedPresences: readonly Presence[];
  smsEnabled: boolean;
};

type Item = { check: ReadinessCheck; ok: boolean; detail: string; subjects: string[]; fix: string };

const item = (check: ReadinessCheck, ok: boolean, detail: string, subjects: string[] = []): Item => ({
  check,
  ok,
  detail,
  subjects,
  fix: READINESS_FIX[check],
});

const NO_CHANNEL = 'no number is bound to this workstream yet, so no account serves it';

export function readinessItems(f: ReadinessFacts): Item[] {
  const notValid = f.accounts.filter((a) => !a.enabled || a.validationStatus !== 'valid');
  const noCallback = f.accounts.filter((a) => !a.callbackSeen && !a.simulatorCallbackMatches);
  const available = f.members.filter((m) => f.allowedPresences.includes(m.presence) && m.capacity > 0);
  return [
    f.accounts.length === 0
      ? item('account_validated', false, NO_CHANNEL)
      : notValid.length === 0
        ? item('account_validated', true, 'TeleSign accepted the account’s credentials', names(f.accounts))
        : item(
            'account_validated',
            false,
            notValid
              .map((a) =>
                a.enabled ? `account "${a.name}" is ${a.validationStatus}` : `account "${a.name}" is disabled`,
              )
              .join('; '),
            names(notValid),
          ),
    f.accounts.length === 0
      ? item('callback_registered', false, NO_CHANNEL)
      : noCallback.length === 0
        ? item(
            'callback_registered',
            true,
            f.accounts.every((a) => a.callbackSeen)
              ? 'a signed callback from TeleSign has arrived'
              : 'the simulator has the callback URL registered',
            names(f.accounts),
          )
        : item(
            'callback_registered',
            false,
            noCallback
              .map((a) =>
                a.simulator
                  ? `the simulator does not have the callback URL of account "${a.name}"`
                  : `no signed callback has arrived for account "${a.name}" yet: give TeleSign its callback URL`,
              )
              .join('; '),
            names(noCallback),
          ),
    f.numbers.length > 0
      ? item('number_bound', true, `bound: ${f.numbers.join(', ')}`, f.numbers)
      : item('number_bound', false, 'no SMS channel binds a number to this workstream'),
    f.members.length > 0
      ? item('queue_has_members', true, `queue "${f.queueName}" has ${f.members.length} member(s)`, [f.queueName])
      : item('queue_has_members', false, `queue "${f.queueName}" has no agents`, [f.queueName]),
    available.length > 0
      ? item('member_available', true, `${available.map((m) => m.name).join(', ')} can take work`, names(available))
      : item(
          'member_available',
          false,
          f.members.length === 0
            ? `queue "${f.queueName}" has no agents`
            : `no agent of queue "${f.queueName}" is ${f.allowedPresences.join(' or ')} with capacity`,
          [f.queueName],
        ),
    f.smsEnabled
      ? item('sms_enabled', true, 'the organisation’s SMS switch is on')
      : item('sms_enabled', false, 'the organisation’s SMS switch is off: texts are held, not routed'),
  ];
}

const names = (xs: { name: string }[]) => xs.map((x) => x.name);
