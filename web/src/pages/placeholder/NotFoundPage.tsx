import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../../i18n';

export default function NotFoundPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={<h1 style={{ fontSize: 24 }}>{t('notFound.title')}</h1>}
      subTitle={t('notFound.body')}
      extra={<Button onClick={() => navigate('/')}>{t('notFound.home')}</Button>}
    />
  );
}
