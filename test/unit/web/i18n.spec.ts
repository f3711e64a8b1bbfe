import { enUS } from '../../../web/src/i18n/en-US';
import { zhCN } from '../../../web/src/i18n/zh-CN';

/**
 * The console's two dictionaries (web/src/i18n/) hold the same keys with the same `{placeholders}`:
 * a text added in one language only would show its key, or an untranslated sentence, to the other.
 */
describe('console i18n dictionaries', () => {
  const dictionaries: Record<string, Record<string, string>> = { 'zh-CN': zhCN, 'en-US': enUS };
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('have the same keys in zh-CN and en-US', () => {
    const zh = Object.keys(zhCN).sort();
    const en = Object.keys(enUS).sort();
    expect({ onlyInZhCN: zh.filter((k) => !(k in enUS)), onlyInEnUS: en.filter((k) => !(k in zhCN)) }).toEqual({
      onlyInZhCN: [],
      onlyInEnUS: [],
    });
  });

  it('use the same placeholders in both languages', () => {
    const differing = Object.keys(zhCN).filter(
      (k) =>
        placeholders(zhCN[k as keyof typeof zhCN]).join() !== placeholders(enUS[k as keyof typeof enUS] ?? '').join(),
    );
    expect(differing).toEqual([]);
  });

  it('have no empty texts', () => {
    const empty = Object.entries(dictionaries).flatMap(([lang, dict]) =>
      Object.entries(dict)
        .filter(([, text]) => !text.trim())
        .map(([k]) => `${lang}: ${k}`),
    );
    expect(empty).toEqual([]);
  });

  it('keep the sign-in texts the issue names', () => {
    expect([zhCN['signIn.username'], zhCN['signIn.password'], zhCN['signIn.submit']]).toEqual([
      '用户名',
      '密码',
      '登录',
    ]);
    expect([enUS['signIn.username'], enUS['signIn.password'], enUS['signIn.submit']]).toEqual([
      'Username',
      'Password',
      'Sign in',
    ]);
    expect([zhCN['lang.switchTo'], enUS['lang.switchTo']]).toEqual(['English', '中文']);
    expect([zhCN['menu.declare'], enUS['menu.declare']]).toEqual(['声明事件', 'Declare incident']);
  });
});
