import { describe, expect, it } from 'vitest';
import {
  AUTOMATED_LANGUAGES,
  AUTOMATED_TRIGGERS,
  defaultAutomatedMessage,
  renderAutomatedMessage,
  resolveLanguage,
} from '../../domain/automated-messages.js';

describe('automated messages', () => {
  it('has a non-empty default for every trigger in every language', () => {
    for (const t of AUTOMATED_TRIGGERS) {
      for (const l of AUTOMATED_LANGUAGES) expect(defaultAutomatedMessage(t, l).length, `${t}/${l}`).toBeGreaterThan(0);
    }
  });

  it('covers the SMS triggers of D365 plus opt-out, opt-in, help, the CSAT survey and refused attachments', () => {
    expect([...AUTOMATED_TRIGGERS].sort()).toEqual(
      [
        'greeting',
        'agent_assigned',
        'agent_could_not_be_assigned',
        'agent_ended_conversation',
        'conversation_closed',
        'transfer_accepted',
        'out_of_hours',
        'overflow_end',
        'opt_out_confirmation',
        'opt_in_confirmation',
        'help',
        'csat_survey',
        'csat_thanks',
        'attachment_refused',
      ].sort(),
    );
  });

  it('fills {AgentName} and {QueueName}', () => {
    expect(renderAutomatedMessage('agent_assigned', 'en', {}, { AgentName: 'Ana', QueueName: 'Billing' })).toBe(
      'Ana from Billing is now helping you.',
    );
  });

  it('renders the language of the channel', () => {
    expect(renderAutomatedMessage('agent_assigned', 'de', {}, { AgentName: 'Ana', QueueName: 'Billing' })).toBe(
      'Ana von Billing hilft Ihnen jetzt weiter.',
    );
    expect(renderAutomatedMessage('greeting', 'bg', {}, {})).toMatch(/^Благодарим/);
  });

  it('falls back to English for unknown languages and uses the primary subtag of regional ones', () => {
    expect(resolveLanguage('ja')).toBe('en');
    expect(resolveLanguage('fr-CA')).toBe('fr');
    expect(renderAutomatedMessage('greeting', 'xx', {}, {})).toBe(defaultAutomatedMessage('greeting', 'en'));
  });

  it('uses a channel override instead of the default', () => {
    expect(
      renderAutomatedMessage('greeting', 'en', { greeting: 'Hi {$FirstName$}, we got it.' }, { FirstName: 'Bo' }),
    ).toBe('Hi Bo, we got it.');
  });

  it('treats an override of "" as a deactivated trigger', () => {
    expect(renderAutomatedMessage('agent_assigned', 'en', { agent_assigned: '' }, { AgentName: 'Ana' })).toBeNull();
  });

  it('replaces unknown context variables and missing placeholders with the empty string', () => {
    expect(renderAutomatedMessage('greeting', 'en', { greeting: 'Order {$OrderId$} received' }, {})).toBe(
      'Order received',
    );
    expect(renderAutomatedMessage('agent_assigned', 'en', { agent_assigned: 'Hi, I am {AgentName}' }, {})).toBe(
      'Hi, I am',
    );
  });

  it('leaves context-variable names case-sensitive', () => {
    expect(renderAutomatedMessage('greeting', 'en', { greeting: 'Ref {$Ref$}' }, { ref: 'x' })).toBe('Ref');
  });

  it('returns null for an unknown trigger', () => {
    expect(renderAutomatedMessage('queue_position', 'en', {}, {})).toBeNull();
  });
});
