import { describe, expect, it } from 'vitest';
import { droneText, spanText } from '../../src-renderer/src/ingest/crew-words.ts';

describe('who flew what, in words', () => {
  it('names the drone with its serial, or says the drone wrote none', () => {
    expect(droneText({ make: 'DJI', model: 'FC6310', serial: '0K8TF2R0A10022' })).toBe('DJI FC6310 · serial 0K8TF2R0A10022');
    expect(droneText({ make: null, model: null, serial: null })).toBe('Unknown drone · serial not written by the drone');
  });

  it('says a time span as the camera clock wrote it, with its length', () => {
    expect(spanText({ firstCapture: '2017-04-18T15:31:02', lastCapture: '2017-04-18T15:35:40' })).toBe('2017-04-18 15:31–15:35 (5 min)');
    expect(spanText({ firstCapture: '2017-04-18T15:31:02', lastCapture: '2017-04-18T15:31:20' })).toBe('2017-04-18 15:31–15:31 (under 1 min)');
    expect(spanText({ firstCapture: '2017-04-18T23:50:00', lastCapture: '2017-04-19T00:10:00' })).toBe('2017-04-18 23:50 – 2017-04-19 00:10 (20 min)');
    expect(spanText({ firstCapture: null, lastCapture: null })).toBe('time unknown');
  });
});
