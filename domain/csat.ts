/**
 * Customer satisfaction over SMS: what counts as an answer to the survey ("Reply 1–5"). Pure: the conversation
 * workflow asks it for each customer text while a survey window is open.
 */

export const CSAT_MIN = 1;
export const CSAT_MAX = 5;
export const CSAT_DEFAULT_WINDOW_MINUTES = 1440;
export const CSAT_MAX_WINDOW_MINUTES = 10080;

/** Number words per language of the automated messages (lower case, accents as written and without). */
const WORDS: Record<string, number> = {
  // en
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  // bg (masculine, feminine and neuter forms of one and two)
  един: 1,
  една: 1,
  едно: 1,
  две: 2,
  два: 2,
  три: 3,
  четири: 4,
  пет: 5,
  // es
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  // fr
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  // de
  eins: 1,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  fuenf: 5,
  funf: 5,
};

/**
 * The rating in a reply, or null when the text is not an answer: a lone digit 1–5 (optionally "4/5", "4 stars",
 * "4!", "★4") or a localized number word ("five", "пет", "cinq"). Anything longer is a new message, not a rating.
 */
export function parseCsatReply(text: string): number | null {
  const t = text.normalize('NFC').trim().toLowerCase();
  if (t.length === 0 || t.length > 20) return null;
  const digit =
    /^[^\p{L}\p{N}]*([1-5])(?:\s*\/\s*5)?(?:\s*(?:stars?|звезд[аи]?|estrellas?|étoiles?|sterne?))?[^\p{L}\p{N}]*$/u.exec(
      t,
    );
  if (digit) return Number(digit[1]);
  const word = /^[^\p{L}\p{N}]*(\p{L}+)[^\p{L}\p{N}]*$/u.exec(t);
  if (word) return WORDS[word[1]!] ?? null;
  return null;
}
