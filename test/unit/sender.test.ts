import { describe, expect, it } from 'vitest';
import { classifySender } from '../../src/messaging/sender';

const ID = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}`;

describe('classifySender', () => {
  it('should tell our frames and pages apart by path', () => {
    const frame = { id: ID, url: `${ORIGIN}/reader.html#t`, frameId: 3, tab: { id: 7 } };
    expect(classifySender(frame, ID, ORIGIN)).toBe('reader');
    const setup = { id: ID, url: `${ORIGIN}/setup.html` };
    expect(classifySender(setup, ID, ORIGIN)).toBe('setup');
    const viewer = { id: ID, url: `${ORIGIN}/viewer.html`, frameId: 0, tab: { id: 9 } };
    expect(classifySender(viewer, ID, ORIGIN)).toBe('viewer');
  });

  it('should take a web page top frame as the content script', () => {
    const s = {
      id: ID,
      url: 'http://127.0.0.1:8080/#/inbox',
      frameId: 0,
      tab: { id: 1 },
    };
    expect(classifySender(s, ID, ORIGIN)).toBe('content');
  });

  it('should refuse other extensions, sub-frames and unknown pages', () => {
    const other = { id: 'zzz', url: `${ORIGIN}/setup.html` };
    expect(classifySender(other, ID, ORIGIN)).toBeNull();
    const sub = { id: ID, url: 'http://127.0.0.1/x', frameId: 2, tab: { id: 1 } };
    expect(classifySender(sub, ID, ORIGIN)).toBeNull();
    const unknown = { id: ID, url: `${ORIGIN}/evil.html` };
    expect(classifySender(unknown, ID, ORIGIN)).toBeNull();
  });

  it('should classify Firefox senders, whose add-on id is not in the page origin', () => {
    // Firefox: runtime.id is the gecko id; pages live on a per-profile UUID.
    const geckoId = 'ecosmail-autocrypt@ecosmail';
    const origin = 'moz-extension://0b6c3a52-8d1e-4f7a-9c1b-2f5e6d7a8b9c';
    const reader = {
      id: geckoId,
      url: `${origin}/reader.html#t`,
      frameId: 5,
      tab: { id: 2 },
    };
    expect(classifySender(reader, geckoId, origin)).toBe('reader');
    const script = {
      id: geckoId,
      url: 'http://127.0.0.1:8080/',
      frameId: 0,
      tab: { id: 2 },
    };
    expect(classifySender(script, geckoId, origin)).toBe('content');
  });
});
