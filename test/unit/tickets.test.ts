import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { TicketStore } from '../../src/background/tickets';

const reader = (tabId: number, created = 1) => ({
  kind: 'reader' as const,
  tabId,
  messageId: 'm1',
  raw: 'AAAA',
  created,
});

describe('TicketStore', () => {
  it('should hand a fresh ticket its raw mail from memory, and forget it with the bulk', async () => {
    const bulk = memoryArea();
    let bulkReads = 0;
    const counted = {
      ...bulk,
      get: (k: string | string[] | null) => (bulkReads++, bulk.get(k)),
    };
    const tickets = new TicketStore(memoryArea(), counted);
    const id = await tickets.issue(reader(7));

    expect((await tickets.redeem(id, 'reader', 7)).raw).toBe('AAAA');
    // Reading it back from storage would count one read here.
    expect(bulkReads).toBe(0);
    // Memory never stands in for the ticket itself: the tab is still checked.
    await expect(tickets.redeem(id, 'reader', 8)).rejects.toMatchObject({
      code: 'wrong-tab',
    });

    await tickets.clearBulk();
    await expect(tickets.redeem(id, 'reader', 7)).rejects.toMatchObject({
      code: 'unknown-ticket',
    });
  });

  it('should give the ticket back only to the tab it was issued for', async () => {
    const tickets = new TicketStore(memoryArea());
    const id = await tickets.issue(reader(7));
    expect((await tickets.redeem(id, 'reader', 7)).messageId).toBe('m1');
    await expect(tickets.redeem(id, 'reader', 8)).rejects.toMatchObject({
      code: 'wrong-tab',
    });
  });

  it('should refuse unknown ids and the wrong kind', async () => {
    const tickets = new TicketStore(memoryArea());
    const id = await tickets.issue(reader(7));
    await expect(tickets.redeem('nope', 'reader', 7)).rejects.toMatchObject({
      code: 'unknown-ticket',
    });
    await expect(tickets.redeem(id, 'composer', 7)).rejects.toMatchObject({
      code: 'unknown-ticket',
    });
  });

  it('should drop the oldest tickets beyond its bound', async () => {
    const area = memoryArea();
    const tickets = new TicketStore(area);
    const first = await tickets.issue(reader(1, 0));
    for (let i = 1; i <= 40; i++) await tickets.issue(reader(1, i));
    await expect(tickets.redeem(first, 'reader', 1)).rejects.toMatchObject({
      code: 'unknown-ticket',
    });
  });
});

describe('TicketStore with a bulk area', () => {
  it('should keep raw messages out of the ticket area and drop them with their ticket', async () => {
    const session = memoryArea();
    const bulk = memoryArea();
    const tickets = new TicketStore(session, bulk);
    const id = await tickets.issue({ ...reader(7), raw: 'QUJD' });

    expect(JSON.stringify([...session.data.values()])).not.toContain('QUJD');
    expect((await tickets.redeem(id, 'reader', 7)).raw).toBe('QUJD');

    await tickets.clearBulk();
    await expect(tickets.redeem(id, 'reader', 7)).rejects.toMatchObject({
      code: 'unknown-ticket',
    });
  });
});
