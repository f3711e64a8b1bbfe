import { Card, List, Space, Tag, Typography } from 'antd';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import type { Warning } from './warnings-api';

/** What a warning says, as the operator receiving it and the department that issued it both see it. */
type Threat = Pick<Warning, 'threatDescription' | 'recommendedActions' | 'indicators'>;

/** The warning's threat card: its description, the recommended actions and the indicators (with their TLP). */
export function WarningThreat({ warning }: { warning: Threat }) {
  const { t } = useI18n();
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('warnings.threat')}</h2>}>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{warning.threatDescription}</Typography.Paragraph>
      {warning.recommendedActions.length > 0 && (
        <>
          <Typography.Title level={3} style={{ fontSize: 14 }}>
            {t('warnings.recommended')}
          </Typography.Title>
          <ol>
            {warning.recommendedActions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ol>
        </>
      )}
      {warning.indicators.length > 0 && (
        <List
          size="small"
          bordered
          header={<strong>{t('warnings.indicators')}</strong>}
          dataSource={warning.indicators}
          renderItem={(i) => (
            <List.Item key={`${i.type}:${i.value}`}>
              <Space wrap>
                <Tag>{labelOf(t, 'indicatorType', i.type)}</Tag>
                <code className="lf-code">{i.value}</code>
                {i.tlp && <Tag>TLP:{i.tlp.toUpperCase()}</Tag>}
                {i.description && <Typography.Text type="secondary">{i.description}</Typography.Text>}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
