/**
 * SMS encoding and segment count (GSM 03.38). Pure: runs in workflow code too.
 * GSM-7: 160 units in one segment, 153 per part when split; extension-table characters cost 2 units (escape + char)
 * and a part never ends between an escape and its character. UCS-2: 70 / 67 UTF-16 code units; characters outside
 * the BMP (most emoji) are surrogate pairs costing 2 units, never split across parts.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsAnalysis = { encoding: 'GSM-7' | 'UCS-2'; segments: number; units: number; characters: number };

function countSegments(costs: number[], single: number, perPart: number): number {
  const units = costs.reduce((a, b) => a + b, 0);
  if (units <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > perPart) {
      segments++;
      used = 0;
    }
    used += c;
  }
  return segments;
}

export function analyzeSms(text: string): SmsAnalysis {
  const chars = [...text];
  const gsm = chars.every((ch) => BASIC.has(ch) || EXTENDED.has(ch));
  if (gsm) {
    const costs = chars.map((ch) => (EXTENDED.has(ch) ? 2 : 1));
    const units = costs.reduce((a, b) => a + b, 0);
    return { encoding: 'GSM-7', segments: countSegments(costs, 160, 153), units, characters: chars.length };
  }
  const costs = chars.map((ch) => ch.length);
  const units = text.length;
  return { encoding: 'UCS-2', segments: countSegments(costs, 70, 67), units, characters: chars.length };
}
