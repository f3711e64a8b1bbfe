import { Result } from 'antd';
import { useI18n } from '../../i18n';

/** Stands in for a page not built yet (the route and menu entry exist, so it slots in without other changes). */
export default function PlaceholderPage({ note }: { note?: string }) {
  const { t } = useI18n();
  return (
    <Result
      status="info"
      title={<h1 style={{ fontSize: 24 }}>{t('placeholder.title')}</h1>}
      subTitle={note ?? t('placeholder.body')}
    />
  );
}
