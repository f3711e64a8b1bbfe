import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Radio,
  Select,
  Space,
  Switch,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { api, describeError, unwrap, type Schemas } from '../../api/client';
import { useTaxonomy, type Taxonomy } from '../../api/taxonomy';
import { PageLoading } from '../../components/PageLoading';
import { useI18n, type MessageKey } from '../../i18n';

type Grade = Schemas['CreateIncidentDto']['grade'];
type Impact = Schemas['ImpactFactsDto'];
const GRADES: Grade[] = ['I', 'II', 'III', 'IV'];
const DATA_THREATS = ['especially-serious', 'serious', 'relatively-serious', 'some'] as const;
/** The impact facts asked here: the ones an operator knows early; all are optional. */
const NUMERIC_FACTS = [
  'ciiWholeOutageMinutes',
  'ciiMainFunctionOutageMinutes',
  'personalInfoPersons',
  'peopleServicesAffected',
  'economicLossCny',
] as const satisfies readonly (keyof Impact)[];

interface Values {
  title: string;
  description?: string;
  category: string;
  grade: Grade;
  detectedAt: Dayjs;
  affectedSystems?: string[];
  drill: boolean;
  impact?: Impact;
}

/** Only the facts entered: a fact left empty never raises the grade, and null is refused by the API. */
function enteredFacts(impact: Impact | undefined): Impact | undefined {
  const entries = Object.entries(impact ?? {}).filter(([, v]) => v !== undefined && v !== null);
  return entries.length ? (Object.fromEntries(entries) as Impact) : undefined;
}

interface TreeNode {
  value: string;
  title: string;
  children?: TreeNode[];
}
function categoryTree(taxonomy: Taxonomy, pick: (t: { zh: string; en: string }) => string): TreeNode[] {
  const byCode = new Map(taxonomy.categories.map((c) => [c.code, c]));
  const node = (code: string): TreeNode => {
    const c = byCode.get(code)!;
    const children = c.children.filter((k) => byCode.has(k)).map(node);
    return { value: c.code, title: pick(c.name), ...(children.length ? { children } : {}) };
  };
  return taxonomy.categories.filter((c) => c.parent === null).map((c) => node(c.code));
}

/** Declare an incident (声明事件): everything reachable with the keyboard alone, in reading order. */
export default function DeclarePage() {
  const { t, pick } = useI18n();
  const taxonomy = useTaxonomy();
  const tree = useMemo(() => (taxonomy.data ? categoryTree(taxonomy.data, pick) : undefined), [taxonomy.data, pick]);
  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t('declare.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('declare.intro')}</Typography.Paragraph>
      {/* The form appears once its categories are known. A tree that arrived after the user had begun to
          type a search would show its parents collapsed and no node active, so Enter would take nothing:
          the tree select works out both only when the search text changes. Categories once loaded keep the
          form: the live stream refetches every query when it reconnects, and a refetch that fails then must
          not take a half-filled declaration away. */}
      {tree ? (
        <DeclareForm tree={tree} />
      ) : taxonomy.error ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={describeError(taxonomy.error, t)}
          action={<Button onClick={() => void taxonomy.refetch()}>{t('app.retry')}</Button>}
        />
      ) : (
        <PageLoading />
      )}
    </Card>
  );
}

/** The form itself, mounted only with the category tree in hand (see DeclarePage). */
function DeclareForm({ tree }: { tree: TreeNode[] }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();

  const suggest = useMutation({
    mutationFn: (impact: Impact) => unwrap(api.POST('/api/v1/grade-suggestions', { body: impact })),
  });
  const declare = useMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/v1/incidents', {
          body: {
            title: v.title.trim(),
            ...(v.description?.trim() ? { description: v.description.trim() } : {}),
            category: v.category,
            grade: v.grade,
            detectedAt: v.detectedAt.format(),
            affectedSystems: (v.affectedSystems ?? []).map((s) => s.trim()).filter(Boolean),
            drill: v.drill,
            ...(enteredFacts(v.impact) ? { impact: enteredFacts(v.impact) } : {}),
          },
        }),
      ),
    onSuccess: (incident) => {
      void qc.invalidateQueries({ queryKey: ['incident'] });
      void qc.invalidateQueries({ queryKey: ['deadline'] });
      void message.success(t('declare.created', { reference: incident.reference }));
      navigate(`/incidents/${incident.id}`);
    },
  });

  const suggestion = suggest.data;
  const gradeLabel = (g: string) => t(`grade.${g}` as MessageKey);

  const suggestionPanel = (
    <div data-testid="grade-suggestion">
      <Typography.Paragraph type="secondary">{t('declare.suggest.intro')}</Typography.Paragraph>
      {NUMERIC_FACTS.map((fact) => (
        <Form.Item key={fact} label={t(`declare.impact.${fact}`)} name={['impact', fact]}>
          <InputNumber min={0} style={{ width: '100%' }} />
        </Form.Item>
      ))}
      <Form.Item label={t('declare.impact.dataThreat')} name={['impact', 'dataThreat']}>
        <Select
          allowClear
          options={DATA_THREATS.map((v) => ({ value: v, label: t(`declare.impact.dataThreat.${v}`) }))}
        />
      </Form.Item>
      <Button
        onClick={() => suggest.mutate(enteredFacts(form.getFieldValue('impact') as Impact | undefined) ?? {})}
        loading={suggest.isPending}
      >
        {t('declare.suggest.run')}
      </Button>
      <div aria-live="polite" style={{ marginTop: 16 }}>
        {suggest.error && <Alert type="error" showIcon title={describeError(suggest.error, t)} />}
        {suggestion && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert
              type="info"
              showIcon
              title={
                <span data-testid="suggested-grade">
                  {t('declare.suggest.result', { grade: gradeLabel(suggestion.grade) })}
                </span>
              }
              action={
                <Button size="small" type="primary" onClick={() => form.setFieldValue('grade', suggestion.grade)}>
                  {t('declare.suggest.use')}
                </Button>
              }
            />
            {suggestion.fired.length === 0 ? (
              <Typography.Text type="secondary">{t('declare.suggest.noRules')}</Typography.Text>
            ) : (
              <List
                size="small"
                header={<strong>{t('declare.suggest.fired')}</strong>}
                dataSource={suggestion.fired}
                renderItem={(rule) => (
                  <List.Item key={rule.ruleId} data-testid="fired-rule">
                    <Space direction="vertical" size={0}>
                      <span>
                        <Tag>{rule.grade}</Tag>
                        {pick(rule.rationale)}
                        {rule.confidence === 'unverified' && <Tag color="gold">{t('declare.suggest.unverified')}</Tag>}
                      </span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {rule.ruleId} · {rule.source}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            )}
          </Space>
        )}
      </div>
    </div>
  );

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      style={{ maxWidth: 720 }}
      initialValues={{ detectedAt: dayjs(), drill: false, affectedSystems: [] }}
      onFinish={(v) => declare.mutate(v)}
      disabled={declare.isPending}
      scrollToFirstError
    >
      <Form.Item
        label={t('declare.incidentTitle')}
        name="title"
        rules={[{ required: true, whitespace: true, message: t('declare.incidentTitleRequired') }]}
      >
        <Input maxLength={200} autoFocus />
      </Form.Item>
      <Form.Item
        label={t('declare.category')}
        name="category"
        rules={[{ required: true, message: t('declare.categoryRequired') }]}
      >
        <TreeSelect
          data-testid="category-select"
          showSearch
          treeNodeFilterProp="title"
          treeDefaultExpandAll
          treeData={tree}
          placeholder={t('declare.categoryPlaceholder')}
          listHeight={320}
        />
      </Form.Item>
      <Form.Item
        label={t('declare.grade')}
        name="grade"
        rules={[{ required: true, message: t('declare.gradeRequired') }]}
      >
        <Radio.Group options={GRADES.map((g) => ({ value: g, label: gradeLabel(g) }))} />
      </Form.Item>
      <Collapse
        style={{ marginBottom: 24 }}
        items={[{ key: 'suggest', label: t('declare.suggest.title'), children: suggestionPanel, forceRender: true }]}
      />
      <Form.Item
        label={t('declare.detectedAt')}
        name="detectedAt"
        rules={[
          { required: true, message: t('declare.detectedAtRequired') },
          {
            validator: (_, v: Dayjs | undefined) =>
              v && v.isAfter(dayjs().add(1, 'minute'))
                ? Promise.reject(new Error(t('declare.detectedAtFuture')))
                : Promise.resolve(),
          },
        ]}
      >
        {/* No clear button: the time is required and starts at now; it would only be one more Tab stop. */}
        <DatePicker showTime allowClear={false} format="YYYY-MM-DD HH:mm:ss" style={{ width: 260 }} />
      </Form.Item>
      <Form.Item label={t('declare.affectedSystems')} name="affectedSystems" extra={t('declare.affectedSystemsHint')}>
        <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item label={t('declare.drill')} name="drill" valuePropName="checked" extra={t('declare.drillHint')}>
        <Switch />
      </Form.Item>
      <Form.Item label={t('declare.description')} name="description">
        <Input.TextArea rows={4} maxLength={5000} />
      </Form.Item>
      {declare.error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={describeError(declare.error, t)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Button type="primary" htmlType="submit" loading={declare.isPending}>
        {t('declare.submit')}
      </Button>
    </Form>
  );
}
