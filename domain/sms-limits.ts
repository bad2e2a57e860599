/**
 * SMS text limits, used by the API (agent replies, automated messages, bot replies), the workflow, the webhook's
 * over-limit flag and the web composer. TeleSign refuses a message body over 1,600 characters; counted in code points,
 * as handsets count them.
 */
export const SMS_MAX_CHARACTERS = 1600;

/** Code points, not UTF-16 units: an emoji is one character to the customer. */
export function smsLength(text: string): number {
  return [...text].length;
}
