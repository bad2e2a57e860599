/**
 * Opt-out / opt-in / help keywords, matched against the whole message only ("stop sending me that" is not STOP).
 * Pure (no node: imports): the conversation workflow calls it. Case, accents, surrounding whitespace and trailing
 * punctuation are ignored. Languages: en, bg, es, fr, de, plus TeleSign's own mapping (docs/domain.md, "Inbound keywords").
 */

export type Keyword = 'stop' | 'start' | 'help';

const KEYWORDS: Record<Keyword, string[]> = {
  stop: [
    // en + carrier conventions (CTIA): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT
    'stop',
    'stopall',
    'stop all',
    'unsubscribe',
    'cancel',
    'end',
    'quit',
    'optout',
    'opt out',
    'opt-out',
    'revoke',
    // fr
    'arret',
    'arrete',
    'desabonner',
    'desinscrire',
    'desabonnement',
    // es
    'baja',
    'alto',
    'parar',
    'detener',
    'cancelar',
    // de
    'stopp',
    'abmelden',
    'ende',
    'austragen',
    'kundigen',
    // bg
    'стоп',
    'спри',
    'отказ',
    'отписване',
  ],
  start: [
    'start',
    'unstop',
    'subscribe',
    'resume',
    // fr
    'demarrer',
    'reprendre',
    // es
    'alta',
    'reanudar',
    // de
    'starten',
    'anmelden',
    // bg
    'старт',
    'начало',
  ],
  help: ['help', 'info', 'contact', 'aide', 'ayuda', 'hilfe', 'помощ', 'инфо'],
};

/** Lower case, no accents (ARRÊT = ARRET), single spaces, no surrounding punctuation. */
function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[\s"'«»“”.,;:!?¡¿()-]+|[\s"'«»“”.,;:!?¡¿()]+$/g, '');
}

const LOOKUP = new Map<string, Keyword>();
for (const [kind, words] of Object.entries(KEYWORDS) as [Keyword, string[]][]) {
  for (const w of words) LOOKUP.set(normalize(w), kind);
}

export function classifyKeyword(text: string): Keyword | null {
  return LOOKUP.get(normalize(text)) ?? null;
}
