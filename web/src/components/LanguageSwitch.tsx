import { Button } from 'antd';
import { useI18n } from '../i18n';

/** `English` in Chinese, `中文` in English: one click, remembered in localStorage, works before signing in. */
export function LanguageSwitch({ type = 'default' }: { type?: 'default' | 'text' | 'link' }) {
  const { locale, setLocale, t } = useI18n();
  const other = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
  return (
    <Button type={type} lang={other} title={t('lang.switchLabel')} onClick={() => setLocale(other)}>
      {t('lang.switchTo')}
    </Button>
  );
}
