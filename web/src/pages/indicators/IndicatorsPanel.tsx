import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, describeError, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useSignedInSession } from '../../api/session';
import { labelOf } from '../../components/labels';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';

type Indicator = Schemas['IndicatorView'];
type IndicatorInput = Schemas['IndicatorInputDto'];
type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

export const INDICATOR_TYPES: IndicatorInput['type'][] = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file-sha256',
  'file-md5',
  'email-addr',
];
const TLPS: Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
const TLP_COLOURS: Record<Tlp, string> = {
  clear: 'default',
  green: 'green',
  amber: 'orange',
  'amber+strict': 'orange',
  red: 'red',
};
/** The sharing controller's @Roles: who records indicators, and who exports STIX. */
const RECORDERS = new Set(['admin', 'commander', 'responder', 'liaison']);
const EXPORTERS = new Set(['admin', 'leader', 'commander', 'liaison']);

/** Indicators are part of the incident: its key, so the live stream's incident changes refresh them. */
export function useIndicators(incidentId: string) {
  return useQuery({
    queryKey: queryKeys.incident(incidentId, 'indicators'),
    queryFn: () => unwrap(api.GET('/api/v1/incidents/{id}/indicators', { params: { path: { id: incidentId } } })),
  });
}

/**
 * An incident's indicators of compromise and their sharing: the list, adding one (for the roles that may),
 * and exporting the incident as a STIX 2.1 bundle with the TLP the sharer chooses (desensitised by default),
 * downloaded as a file.
 */
export default function IndicatorsPanel({ incidentId, reference }: { incidentId: string; reference?: string }) {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const indicators = useIndicators(incidentId);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="indicators-panel">
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('indicators.list')}</h2>}>
        {indicators.error && <Alert type="error" showIcon title={describeError(indicators.error, t)} />}
        <Table<Indicator>
          data-testid="indicator-table"
          size="small"
          rowKey="id"
          loading={indicators.isPending}
          dataSource={indicators.data ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('indicators.none')} /> }}
          columns={[
            {
              key: 'type',
              title: t('indicators.type'),
              render: (_, i) => <Tag>{labelOf(t, 'indicatorType', i.type)}</Tag>,
            },
            {
              key: 'value',
              title: t('indicators.value'),
              render: (_, i) => <code className="lf-code">{i.value}</code>,
            },
            { key: 'description', title: t('indicators.description'), render: (_, i) => i.description ?? '—' },
            {
              key: 'createdAt',
              title: t('indicators.recordedAt'),
              render: (_, i) => dayjs(i.createdAt).format('YYYY-MM-DD HH:mm'),
            },
          ]}
        />
      </Card>
      {RECORDERS.has(user.role) && <AddIndicator incidentId={incidentId} />}
      {EXPORTERS.has(user.role) && <StixExport incidentId={incidentId} reference={reference} />}
    </Space>
  );
}

function AddIndicator({ incidentId }: { incidentId: string }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<IndicatorInput>();
  const add = useMutation({
    mutationFn: (body: IndicatorInput) =>
      unwrap(api.POST('/api/v1/incidents/{id}/indicators', { params: { path: { id: incidentId } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.incident(incidentId) });
      void message.success(t('indicators.added'));
      form.resetFields(['value', 'description']);
    },
  });
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('indicators.add')}</h2>}>
      <Form<IndicatorInput>
        form={form}
        layout="inline"
        initialValues={{ type: 'ipv4-addr' }}
        disabled={add.isPending}
        onFinish={(v) =>
          add.mutate({
            type: v.type,
            value: v.value.trim(),
            ...(v.description?.trim() ? { description: v.description.trim() } : {}),
          })
        }
        style={{ rowGap: 12 }}
      >
        <Form.Item label={t('indicators.type')} name="type" rules={[{ required: true }]}>
          <Select
            style={{ width: 180 }}
            options={INDICATOR_TYPES.map((type) => ({ value: type, label: labelOf(t, 'indicatorType', type) }))}
          />
        </Form.Item>
        <Form.Item
          label={t('indicators.value')}
          name="value"
          rules={[{ required: true, whitespace: true, message: t('indicators.valueRequired') }]}
        >
          <Input style={{ width: 320 }} maxLength={2048} />
        </Form.Item>
        <Form.Item label={t('indicators.description')} name="description">
          <Input style={{ width: 260 }} maxLength={1000} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={add.isPending}>
            {t('indicators.addButton')}
          </Button>
        </Form.Item>
      </Form>
      {add.error && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          role="alert"
          title={describeRefusal(add.error, { t, pick })}
        />
      )}
    </Card>
  );
}

interface ExportValues {
  tlp: Tlp;
  desensitise: boolean;
}

function StixExport({ incidentId, reference }: { incidentId: string; reference?: string }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ExportValues>();
  const exporter = useMutation({
    mutationFn: (v: ExportValues) =>
      unwrap(
        api.GET('/api/v1/incidents/{id}/stix', {
          params: { path: { id: incidentId }, query: { tlp: v.tlp, desensitise: v.desensitise } },
        }),
      ),
    onSuccess: (bundle, v) => {
      const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/stix+json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${reference ?? incidentId}.tlp-${v.tlp.replace('+', '-')}.stix.json`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      // Give the download a moment to take the blob before it is released.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      void message.success(t('indicators.exported', { count: bundle.objects.length }));
    },
  });
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('indicators.export')}</h2>}>
      <Typography.Paragraph type="secondary">{t('indicators.exportIntro')}</Typography.Paragraph>
      <Form<ExportValues>
        form={form}
        layout="inline"
        initialValues={{ tlp: 'amber', desensitise: true }}
        onFinish={(v) => exporter.mutate(v)}
        style={{ rowGap: 12 }}
      >
        <Form.Item label={t('indicators.tlp')} name="tlp" rules={[{ required: true }]}>
          <Select
            style={{ width: 220 }}
            options={TLPS.map((tlp) => ({
              value: tlp,
              label: (
                <span>
                  <Tag color={TLP_COLOURS[tlp]}>TLP:{tlp.toUpperCase()}</Tag>
                  {t(`tlp.${tlp}`)}
                </span>
              ),
            }))}
          />
        </Form.Item>
        <Form.Item
          label={t('indicators.desensitise')}
          name="desensitise"
          valuePropName="checked"
          tooltip={t('indicators.desensitiseHint')}
        >
          <Switch />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<DownloadOutlined aria-hidden />} loading={exporter.isPending}>
            {t('indicators.exportButton')}
          </Button>
        </Form.Item>
      </Form>
      {exporter.error && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          role="alert"
          title={describeRefusal(exporter.error, { t, pick })}
        />
      )}
    </Card>
  );
}
