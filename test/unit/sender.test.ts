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
});
