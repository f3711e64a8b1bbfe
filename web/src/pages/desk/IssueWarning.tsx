import { MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { useSignedInSession } from '../../api/session';
import { describeRefusal } from '../../components/refusal';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { feedbackWithin, UNITS } from './feedback-window';
import { mayIssueWarning, useIssueWarning, useWarningTargets, type CreateWarning } from './desk-api';

type Indicator = NonNullable<CreateWarning['indicators']>[number];
const LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
const INDICATOR_TYPES = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file-sha256',
  'file-md5',
  'email-addr',
] as const;
/** The largest bundle offered for upload; the API refuses bigger ones anyway (413). */
const MAX_STIX_BYTES = 2 * 1024 * 1024;

interface Values {
  title: string;
  level: (typeof LEVELS)[number];
  threatDescription: string;
  recommendedActions?: string;
  indicators?: Array<{ type: string; value: string; description?: string }>;
  scope: 'sector' | 'operators';
  operatorIds?: string[];
  within?: number | null;
  unit: keyof typeof UNITS;
  drill?: boolean;
}

/**
 * Issue a warning (/desk/warnings/new): level 红/橙/黄/蓝, the threat, recommended actions, indicators typed in
 * or taken from an attached STIX 2.1 bundle, and whom it goes to — the whole sector or chosen operators of it.
 * Only a department officer issues warnings (the API's rule), so only they reach the form.
 */
export default function IssueWarning() {
  const i18n = useI18n();
  const { t } = i18n;
  const { user } = useSignedInSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  // The sector (and whether it has operators at all), and the operators matching what is typed in the select:
  // a sector may have thousands, so they are searched on the server, a quarter second after the last key.
  const sector = useWarningTargets();
  const [search, setSearch] = useState('');
  const [asked, setAsked] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setAsked(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const found = useWarningTargets(asked);
  // Names of the operators chosen so far, so their tags keep their names when a search no longer lists them.
  const [chosenNames, setChosenNames] = useState<ReadonlyMap<string, string>>(new Map());
  const chosen: string[] = Form.useWatch('operatorIds', form) ?? [];
  const issue = useIssueWarning();
  const [stix, setStix] = useState<{ name: string; bundle: Record<string, unknown> } | null>(null);
  const [stixError, setStixError] = useState<string | null>(null);
  const scope = Form.useWatch('scope', form);
  if (!mayIssueWarning(user)) return <Navigate to="/desk/warnings" replace />;

  const readStix = async (file: File | undefined) => {
    setStix(null);
    setStixError(null);
    if (!file) return;
    if (file.size > MAX_STIX_BYTES) return setStixError(t('desk.issue.stixTooLarge'));
    try {
      const bundle = JSON.parse(await file.text()) as unknown;
      if (typeof bundle !== 'object' || bundle === null || (bundle as { type?: unknown }).type !== 'bundle')
        return setStixError(t('desk.issue.stixNotBundle'));
      setStix({ name: file.name, bundle: bundle as Record<string, unknown> });
    } catch {
      setStixError(t('desk.issue.stixNotJson'));
    }
  };

  const submit = (v: Values) => {
    const within = feedbackWithin(v.within, v.unit);
    const body: CreateWarning = {
      title: v.title.trim(),
      level: v.level,
      threatDescription: v.threatDescription.trim(),
      recommendedActions: (v.recommendedActions ?? '')
        .split('\n')
        .map((a) => a.trim())
        .filter(Boolean),
      indicators: (v.indicators ?? [])
        .filter((i) => i.value?.trim())
        .map((i) => ({
          type: i.type as Indicator['type'],
          value: i.value.trim(),
          ...(i.description?.trim() ? { description: i.description.trim() } : {}),
        })),
      ...(v.scope === 'sector' && sector.data
        ? { sectors: [sector.data.sector] }
        : { operatorIds: v.operatorIds ?? [] }),
      ...(within ? { feedbackWithin: within } : {}),
      ...(v.drill ? { drill: true } : {}),
      ...(stix ? { stix: stix.bundle } : {}),
    };
    issue.mutate(body, {
      onSuccess: (w) => {
        void message.success(t('desk.issue.issued', { reference: w.reference }));
        navigate(`/desk/warnings/${w.id}`);
      },
    });
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 880 }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('desk.warnings.issue')}
      </Typography.Title>
      <Card>
        <Form<Values>
          form={form}
          layout="vertical"
          disabled={issue.isPending}
          initialValues={{ level: 'yellow', scope: 'operators', unit: 'H', operatorIds: [] }}
          onFinish={submit}
          data-testid="issue-warning-form"
        >
          <Form.Item
            label={t('desk.warnings.titleField')}
            name="title"
            rules={[{ required: true, whitespace: true, message: t('desk.issue.titleRequired') }]}
          >
            <Input maxLength={300} />
          </Form.Item>
          <Form.Item label={t('desk.warnings.level')} name="level" rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={LEVELS.map((l) => ({ value: l, label: labelOf(t, 'level', l) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('desk.issue.threat')}
            name="threatDescription"
            rules={[{ required: true, whitespace: true, message: t('desk.issue.threatRequired') }]}
          >
            <Input.TextArea rows={4} maxLength={10000} />
          </Form.Item>
          <Form.Item label={t('warnings.recommended')} name="recommendedActions" extra={t('desk.issue.onePerLine')}>
            <Input.TextArea rows={3} />
          </Form.Item>

          <Typography.Text strong>{t('warnings.indicators')}</Typography.Text>
          <Form.List name="indicators">
            {(fields, { add, remove }) => (
              <div style={{ marginTop: 8 }}>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item name={[f.name, 'type']} rules={[{ required: true }]} initialValue="ipv4-addr">
                      <Select
                        aria-label={t('desk.issue.indicatorType')}
                        style={{ width: 150 }}
                        options={INDICATOR_TYPES.map((x) => ({ value: x, label: labelOf(t, 'indicatorType', x) }))}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'value']}
                      rules={[{ required: true, whitespace: true, message: t('desk.issue.indicatorValueRequired') }]}
                    >
                      <Input
                        aria-label={t('desk.issue.indicatorValue')}
                        placeholder="203.0.113.7"
                        style={{ width: 260 }}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'description']}>
                      <Input
                        aria-label={t('desk.issue.indicatorDescription')}
                        placeholder={t('desk.issue.indicatorDescription')}
                      />
                    </Form.Item>
                    <Button
                      type="text"
                      aria-label={t('desk.issue.removeIndicator')}
                      icon={<MinusCircleOutlined aria-hidden />}
                      onClick={() => remove(f.name)}
                    />
                  </Space>
                ))}
                <Form.Item>
                  <Button type="dashed" icon={<PlusOutlined aria-hidden />} onClick={() => add()}>
                    {t('desk.issue.addIndicator')}
                  </Button>
                </Form.Item>
              </div>
            )}
          </Form.List>
          <Form.Item
            label={t('desk.issue.stix')}
            extra={stix ? t('desk.issue.stixAttached', { name: stix.name }) : t('desk.issue.stixHelp')}
          >
            <label className="ant-btn ant-btn-default" style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
              <UploadOutlined aria-hidden />
              <span>{t('desk.issue.stixChoose')}</span>
              <input
                type="file"
                accept=".json,application/json,application/stix+json"
                data-testid="stix-file"
                style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
                onChange={(e) => void readStix(e.target.files?.[0])}
              />
            </label>
            {stixError && <Alert style={{ marginTop: 8 }} type="error" showIcon title={stixError} />}
          </Form.Item>

          <Form.Item label={t('desk.warnings.targets')} name="scope">
            <Radio.Group
              options={[
                { value: 'operators', label: t('desk.issue.chosenOperators') },
                {
                  value: 'sector',
                  label: t('desk.issue.wholeSector', {
                    sector: sector.data ? labelOf(t, 'admin.sector', sector.data.sector) : '',
                  }),
                  disabled: !sector.data?.total,
                },
              ]}
            />
          </Form.Item>
          {scope !== 'sector' && (
            <Form.Item
              label={t('desk.issue.operators')}
              name="operatorIds"
              rules={[{ required: true, type: 'array', min: 1, message: t('desk.issue.operatorsRequired') }]}
            >
              <Select
                mode="multiple"
                data-testid="target-select"
                loading={found.isFetching}
                showSearch
                filterOption={false}
                onSearch={setSearch}
                onSelect={(id: string, option: { label?: unknown }) =>
                  setChosenNames((names) => new Map(names).set(id, String(option.label ?? id)))
                }
                options={[
                  ...(found.data?.operators ?? []).map((o) => ({ value: o.id, label: o.name })),
                  ...chosen
                    .filter((id) => !found.data?.operators.some((o) => o.id === id))
                    .map((id) => ({ value: id, label: chosenNames.get(id) ?? id })),
                ]}
              />
            </Form.Item>
          )}
          <Form.Item label={t('desk.issue.feedbackWithin')} extra={t('desk.issue.feedbackWithinHelp')}>
            <Space.Compact>
              <Form.Item name="within" noStyle>
                <InputNumber aria-label={t('desk.issue.feedbackWithin')} min={1} max={2160} precision={0} />
              </Form.Item>
              <Form.Item name="unit" noStyle>
                <Select
                  aria-label={t('desk.issue.unit')}
                  style={{ width: 100 }}
                  options={(Object.keys(UNITS) as Array<keyof typeof UNITS>).map((u) => ({
                    value: u,
                    label: t(UNITS[u]),
                  }))}
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          <Form.Item label={t('desk.issue.drill')} name="drill" valuePropName="checked">
            <Switch />
          </Form.Item>
          {issue.error && (
            <Alert
              style={{ marginBottom: 16 }}
              type="error"
              showIcon
              role="alert"
              title={describeRefusal(issue.error, i18n)}
            />
          )}
          <Space>
            <Button type="primary" htmlType="submit" loading={issue.isPending}>
              {t('desk.issue.submit')}
            </Button>
            <Button onClick={() => navigate('/desk/warnings')}>{t('app.cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </Space>
  );
}
