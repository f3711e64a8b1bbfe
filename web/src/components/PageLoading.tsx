import { Spin } from 'antd';
import { useI18n } from '../i18n';

export function PageLoading() {
  const { t } = useI18n();
  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: 48 }} role="status" aria-live="polite">
      <Spin />
      <span style={{ marginLeft: 12 }}>{t('app.loading')}</span>
    </div>
  );
}
