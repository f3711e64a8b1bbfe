import { csvField, trackerCsv } from '../../../web/src/pages/desk/warning-csv';
import { feedbackWithin } from '../../../web/src/pages/desk/feedback-window';

/** The warning tracker's CSV export and the issue form's feedback window (pages/desk/). */
describe('desk: tracker CSV and feedback window', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('甲电厂')).toBe('甲电厂');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses a cell a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@cmd')).toBe("'@cmd");
  });

  it('writes a BOM, the header and one CRLF line per row', () => {
    const csv = trackerCsv([{ overdue: true }, { overdue: false }], ['运营者', '状态'], (r) => [
      'x',
      r.overdue ? '已超时' : '待反馈',
    ]);
    expect(csv).toBe('\uFEFF运营者,状态\r\nx,已超时\r\nx,待反馈\r\n');
  });

  it('turns the window into an ISO 8601 duration, or nothing for the default', () => {
    expect(feedbackWithin(1, 'M')).toBe('PT1M');
    expect(feedbackWithin(6, 'H')).toBe('PT6H');
    expect(feedbackWithin(3, 'D')).toBe('P3D');
    expect(feedbackWithin(null, 'H')).toBeUndefined();
    expect(feedbackWithin(0, 'H')).toBeUndefined();
  });
});
