import { describe, expect, it } from 'vitest';
import { classifyKeyword } from '../../domain/keywords.js';

describe('classifyKeyword', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop ',
    'STOP.',
    'STOPALL',
    'stop all',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'ARRET',
    'ARRÊT',
    'arrêt!',
    'СТОП',
    'стоп',
    'Спри',
    'BAJA',
    'Alto',
    'STOPP',
    'Abmelden',
    'opt out',
    '\tstop\n',
  ])('%j → stop', (text) => {
    expect(classifyKeyword(text)).toBe('stop');
  });

  it.each(['START', 'start', 'UNSTOP', 'Unstop', 'СТАРТ', 'ALTA', 'Starten'])('%j → start', (text) => {
    expect(classifyKeyword(text)).toBe('start');
  });

  it.each(['HELP', 'help?', 'AIDE', 'INFO', 'AYUDA', 'HILFE', 'ПОМОЩ', 'помощ'])('%j → help', (text) => {
    expect(classifyKeyword(text)).toBe('help');
  });

  it.each([
    'stop sending me that',
    'please stop',
    'STOPPED',
    'start over?? my order',
    'help me with my order',
    'Where is my order?',
    '',
    '   ',
    'S T O P',
    'stopstop',
  ])('%j → null (whole message only)', (text) => {
    expect(classifyKeyword(text)).toBeNull();
  });
});
