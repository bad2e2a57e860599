/**
 * Automated messages sent to the customer on conversation events (docs/domain.md, "The conversation model"), per
 * language, with per-channel overrides. Pure: the conversation workflow renders them in workflow code.
 */

export const AUTOMATED_TRIGGERS = [
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
] as const;
export type AutomatedTrigger = (typeof AUTOMATED_TRIGGERS)[number];

export const AUTOMATED_LANGUAGES = ['en', 'bg', 'es', 'fr', 'de'] as const;
export type AutomatedLanguage = (typeof AUTOMATED_LANGUAGES)[number];

/** What sends each trigger; shown to admins next to the defaults. */
export const TRIGGER_DESCRIPTIONS: Record<AutomatedTrigger, string> = {
  greeting: 'A new conversation starts (D365 "Greeting message for async channels").',
  agent_assigned: 'An agent accepts or is assigned the conversation.',
  agent_could_not_be_assigned: 'Routing failed (system failure or no queue), not merely "no agent free yet".',
  agent_ended_conversation: 'The agent presses End.',
  conversation_closed: 'The conversation closes (D365 "Session ended"), e.g. after inactivity.',
  transfer_accepted: 'Another agent accepted a transfer.',
  out_of_hours: 'The customer writes outside the channel or queue operating hours.',
  overflow_end: 'Overflow handling ended the conversation.',
  opt_out_confirmation: 'The customer sent STOP (or an equivalent keyword).',
  opt_in_confirmation: 'The customer sent START (or an equivalent keyword) after opting out.',
  help: 'The customer sent HELP (or an equivalent keyword).',
  csat_survey: 'A resolved conversation, when the channel asks for satisfaction (CSAT) by SMS.',
  csat_thanks: 'The customer answered the satisfaction survey (sent once per survey).',
  attachment_refused: 'The customer sent a file on a channel where customers may not send attachments.',
};

type Templates = Record<AutomatedTrigger, string>;

// Kept short: one SMS segment where the alphabet allows (Bulgarian needs UCS-2, 70 characters per segment).
const DEFAULTS: Record<AutomatedLanguage, Templates> = {
  en: {
    greeting: 'Thanks for your message. An agent will reply shortly. Reply STOP to opt out.',
    agent_assigned: '{AgentName} from {QueueName} is now helping you.',
    agent_could_not_be_assigned: 'Sorry, we could not connect you to an agent right now. Please try again later.',
    agent_ended_conversation: '{AgentName} has ended the conversation. Text us any time if you need more help.',
    conversation_closed: 'This conversation is closed. Send a new message if you need more help.',
    transfer_accepted: '{AgentName} has taken over your conversation.',
    out_of_hours: 'Thanks for your message. We are closed now and will reply when we reopen.',
    overflow_end: 'Sorry, all our agents are busy. Please text us again later.',
    opt_out_confirmation: 'You are unsubscribed and will receive no more messages. Reply START to resubscribe.',
    opt_in_confirmation: 'You are subscribed again. Reply STOP to opt out.',
    help: 'Customer support by SMS. Reply with your question. Reply STOP to opt out. Msg & data rates may apply.',
    csat_survey: 'How did we do? Reply with a number from 1 (poor) to 5 (excellent).',
    csat_thanks: 'Thank you for your feedback!',
    attachment_refused: 'Sorry, we cannot accept files on this number. Please describe it in a text instead.',
  },
  bg: {
    greeting: 'Благодарим за съобщението. Служител ще отговори скоро. Отговорете STOP за отписване.',
    agent_assigned: '{AgentName} от {QueueName} вече Ви помага.',
    agent_could_not_be_assigned: 'За съжаление сега не можем да Ви свържем със служител. Опитайте по-късно.',
    agent_ended_conversation: '{AgentName} приключи разговора. Пишете ни, ако имате нужда от още помощ.',
    conversation_closed: 'Разговорът е затворен. Изпратете ново съобщение, ако имате нужда от помощ.',
    transfer_accepted: '{AgentName} пое разговора Ви.',
    out_of_hours: 'Благодарим за съобщението. В момента не работим и ще отговорим, когато отворим.',
    overflow_end: 'За съжаление всички служители са заети. Моля, пишете ни по-късно.',
    opt_out_confirmation: 'Отписахте се и няма да получавате съобщения. Отговорете START за абониране.',
    opt_in_confirmation: 'Абонирахте се отново. Отговорете STOP за отписване.',
    help: 'Поддръжка по SMS. Изпратете въпроса си. Отговорете STOP за отписване.',
    csat_survey: 'Как се справихме? Отговорете с число от 1 (лошо) до 5 (отлично).',
    csat_thanks: 'Благодарим за отзива!',
    attachment_refused: 'За съжаление не приемаме файлове на този номер. Моля, опишете го с текст.',
  },
  es: {
    greeting: 'Gracias por su mensaje. Un agente le responderá pronto. Responda STOP para darse de baja.',
    agent_assigned: '{AgentName} de {QueueName} le está atendiendo.',
    agent_could_not_be_assigned: 'Lo sentimos, ahora no podemos conectarle con un agente. Inténtelo más tarde.',
    agent_ended_conversation: '{AgentName} ha finalizado la conversación. Escríbanos si necesita más ayuda.',
    conversation_closed: 'Esta conversación está cerrada. Envíe un nuevo mensaje si necesita más ayuda.',
    transfer_accepted: '{AgentName} se ha hecho cargo de su conversación.',
    out_of_hours: 'Gracias por su mensaje. Ahora estamos cerrados y responderemos cuando abramos.',
    overflow_end: 'Lo sentimos, todos nuestros agentes están ocupados. Escríbanos más tarde.',
    opt_out_confirmation: 'Se ha dado de baja y no recibirá más mensajes. Responda START para volver a suscribirse.',
    opt_in_confirmation: 'Se ha suscrito de nuevo. Responda STOP para darse de baja.',
    help: 'Atención al cliente por SMS. Envíe su pregunta. Responda STOP para darse de baja.',
    csat_survey: '¿Cómo lo hicimos? Responda con un número del 1 (mal) al 5 (excelente).',
    csat_thanks: '¡Gracias por su opinión!',
    attachment_refused: 'Lo sentimos, no aceptamos archivos en este número. Descríbalo en un mensaje de texto.',
  },
  fr: {
    greeting: 'Merci pour votre message. Un conseiller vous répondra bientôt. Répondez STOP pour vous désinscrire.',
    agent_assigned: '{AgentName} de {QueueName} vous accompagne.',
    agent_could_not_be_assigned:
      'Désolé, nous ne pouvons pas vous mettre en relation pour le moment. Réessayez plus tard.',
    agent_ended_conversation: "{AgentName} a terminé la conversation. Écrivez-nous si vous avez besoin d'aide.",
    conversation_closed: "Cette conversation est fermée. Envoyez un nouveau message si vous avez besoin d'aide.",
    transfer_accepted: '{AgentName} a repris votre conversation.',
    out_of_hours: 'Merci pour votre message. Nous sommes fermés et répondrons à la réouverture.',
    overflow_end: 'Désolé, tous nos conseillers sont occupés. Écrivez-nous plus tard.',
    opt_out_confirmation: 'Vous êtes désinscrit et ne recevrez plus de messages. Répondez START pour vous réinscrire.',
    opt_in_confirmation: 'Vous êtes de nouveau inscrit. Répondez STOP pour vous désinscrire.',
    help: 'Service client par SMS. Envoyez votre question. Répondez STOP pour vous désinscrire.',
    csat_survey: 'Comment était notre service ? Répondez par un chiffre de 1 (mauvais) à 5 (excellent).',
    csat_thanks: 'Merci pour votre avis !',
    attachment_refused: 'Désolé, nous n’acceptons pas de fichiers sur ce numéro. Décrivez-le plutôt par SMS.',
  },
  de: {
    greeting: 'Danke für Ihre Nachricht. Ein Mitarbeiter antwortet in Kürze. Antworten Sie STOP zum Abmelden.',
    agent_assigned: '{AgentName} von {QueueName} hilft Ihnen jetzt weiter.',
    agent_could_not_be_assigned: 'Leider können wir Sie gerade mit niemandem verbinden. Bitte versuchen Sie es später.',
    agent_ended_conversation: '{AgentName} hat das Gespräch beendet. Schreiben Sie uns, wenn Sie mehr Hilfe brauchen.',
    conversation_closed: 'Dieses Gespräch ist geschlossen. Senden Sie eine neue Nachricht, wenn Sie Hilfe brauchen.',
    transfer_accepted: '{AgentName} hat Ihr Gespräch übernommen.',
    out_of_hours: 'Danke für Ihre Nachricht. Wir sind gerade geschlossen und antworten, sobald wir wieder da sind.',
    overflow_end: 'Leider sind alle Mitarbeiter beschäftigt. Bitte schreiben Sie uns später.',
    opt_out_confirmation: 'Sie sind abgemeldet und erhalten keine Nachrichten mehr. Antworten Sie START zum Anmelden.',
    opt_in_confirmation: 'Sie sind wieder angemeldet. Antworten Sie STOP zum Abmelden.',
    help: 'Kundenservice per SMS. Senden Sie uns Ihre Frage. Antworten Sie STOP zum Abmelden.',
    csat_survey: 'Wie zufrieden waren Sie? Antworten Sie mit einer Zahl von 1 (schlecht) bis 5 (ausgezeichnet).',
    csat_thanks: 'Danke für Ihre Bewertung!',
    attachment_refused: 'Leider nehmen wir unter dieser Nummer keine Dateien an. Bitte beschreiben Sie es per SMS.',
  },
};

export function isAutomatedTrigger(value: string): value is AutomatedTrigger {
  return (AUTOMATED_TRIGGERS as readonly string[]).includes(value);
}

/** "de-AT" → "de"; anything we have no texts for → "en". */
export function resolveLanguage(language: string): AutomatedLanguage {
  const primary = language.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (AUTOMATED_LANGUAGES as readonly string[]).includes(primary) ? (primary as AutomatedLanguage) : 'en';
}

export function defaultAutomatedMessage(trigger: AutomatedTrigger, language: string): string {
  return DEFAULTS[resolveLanguage(language)][trigger];
}

export type AutomatedMessageVars = { AgentName?: string; QueueName?: string; [name: string]: string | undefined };

/**
 * Replaces {AgentName}, {QueueName} and {$Var$}; anything unknown becomes the empty string (as in D365). Runs of
 * spaces left by empty placeholders collapse to one.
 */
export function fillPlaceholders(template: string, vars: AutomatedMessageVars): string {
  return template
    .replace(/\{\$([A-Za-z0-9_]+)\$\}/g, (_, name: string) => vars[name] ?? '')
    .replace(/\{(AgentName|QueueName)\}/g, (_, name: string) => vars[name] ?? '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * The text to send for a trigger, or null when there is none: unknown trigger, or the channel deactivated it with an
 * override of "". A non-empty override replaces the default text for every language of the channel.
 */
export function renderAutomatedMessage(
  trigger: string,
  language: string,
  overrides: Record<string, string | undefined>,
  vars: AutomatedMessageVars,
): string | null {
  if (!isAutomatedTrigger(trigger)) return null;
  const override = overrides[trigger];
  if (override !== undefined && override.trim() === '') return null;
  const text = fillPlaceholders(override ?? defaultAutomatedMessage(trigger, language), vars);
  return text === '' ? null : text;
}
