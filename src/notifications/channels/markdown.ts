/**
 * Templates write a small markdown subset (`# heading`, `**bold**`, `> quote`, `- item`). WeCom and
 * DingTalk render it; Feishu's post text elements and plain-text email need it stripped; the email
 * HTML part gets a minimal, fully escaped rendering.
 */
import { escapeHtml } from '../../common';

export function markdownToPlain(md: string): string {
  return md
    .split('\n')
    .map((line) => line.replace(/^#{1,6}\s+/, '').replace(/\*\*(.+?)\*\*/g, '$1'))
    .join('\n');
}

function inline(s: string): string {
  return escapeHtml(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
}

export function markdownToHtml(md: string): string {
  const out: string[] = [];
  let list = false;
  for (const line of md.split('\n')) {
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (!item && list) {
      out.push('</ul>');
      list = false;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(heading[1]!.length + 1, 6);
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
    } else if (item) {
      if (!list) out.push('<ul>');
      list = true;
      out.push(`<li>${inline(item[1]!)}</li>`);
    } else if (quote) {
      out.push(`<blockquote>${inline(quote[1]!)}</blockquote>`);
    } else if (line.trim() !== '') {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  if (list) out.push('</ul>');
  return out.join('\n');
}

/**
 * Control characters other than the newline, zero-width and bidirectional controls: chat clients
 * may break lines at NEL, VT, FF or U+2028/2029, and the invisible ones can hide or reorder text.
 * Templates already remove them from variables; the robot channels strip them from whatever they
 * send, stored messages of older versions included.
 */
// Control characters are exactly what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function stripControls(text: string): string {
  return text.replace(CONTROLS, (c) =>
    c === '\u0085' || c === '\u2028' || c === '\u2029' || c === '\u000b' || c === '\u000c' || c === '\t' ? ' ' : '',
  );
}
