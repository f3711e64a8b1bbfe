import { validateSync } from 'class-validator';
import { IsZonedTimestamp, isZonedTimestamp } from '../../../src/http/timestamp';

class Probe {
  @IsZonedTimestamp() at!: unknown;
}

describe('IsZonedTimestamp', () => {
  it('accepts a date and time that says its offset', () => {
    for (const v of [
      '2026-11-25T02:10:00Z',
      '2026-11-25T10:10:00+08:00',
      '2026-11-25T10:10:00.123+0800',
      '2026-11-24T21:10:00-05:00',
      '2026-11-25T10:10+08:00',
      '2026-11-25T02:10:00.123456z',
    ]) {
      expect({ v, ok: isZonedTimestamp(v) }).toEqual({ v, ok: true });
    }
  });

  it('refuses a time without a zone, a date alone, and what is not a real date', () => {
    for (const v of [
      '2026-11-25T10:10:00',
      '2026-11-25T10:10:00.000',
      '2026-11-25',
      '2026-11-25 10:10:00Z',
      '2026-11-25T10:10:00 08:00',
      '2026-02-30T10:00:00Z',
      '2026-13-01T00:00:00Z',
      '20261125T101000Z',
      'yesterday',
      '',
      1764036600000,
      null,
    ]) {
      expect({ v, ok: isZonedTimestamp(v) }).toEqual({ v, ok: false });
    }
  });

  it('reads +08:00 as Beijing time', () => {
    expect(new Date('2026-11-25T10:10:00+08:00').toISOString()).toBe('2026-11-25T02:10:00.000Z');
  });

  it('names the field and says why in the message', () => {
    const probe = Object.assign(new Probe(), { at: '2026-11-25T10:10:00' });
    const [error] = validateSync(probe);
    expect(error.property).toBe('at');
    expect(Object.values(error.constraints ?? {})[0]).toMatch(
      new RegExp(
        '^at must be an ISO 8601 date and time with an explicit offset or Z, ' +
          'e\\.g\\. 2026-11-25T10:10:00\\+08:00.*read as UTC',
      ),
    );
  });
});
