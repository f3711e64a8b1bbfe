import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { useI18n, type MessageKey } from '../../i18n';
import { usePlans } from '../plans/plans-api';
import {
  drillCalls,
  mayPlanDrills,
  STATUS_COLOURS,
  useDrillCompliance,
  useDrills,
  useDrillsMutation,
  usePeople,
  type Drill,
  type PlanDrills,
} from './drills-api';

/** The organisation's drills, scheduling (admin, leader) and the drills' compliance per plan (GB/T 39204-2022 11.2). */
export default function DrillsList() {
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const drills = useDrills();
  const compliance = useDrillCompliance();
  const [search, setSearch] = useSearchParams();
  const schedulePlan = search.get('schedule');
  const [scheduling, setScheduling] = useState(!!schedulePlan);
  const close = () => {
    setScheduling(false);
    if (schedulePlan) setSearch({}, { replace: true });
  };
  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t('drills.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('drills.intro')}</Typography.Paragraph>
      <Card
        title={t('drills.list')}
        extra={
          mayPlanDrills(user) && (
            <Button type="primary" onClick={() => setScheduling(true)}>
              {t('drills.schedule')}
            </Button>
          )
        }
      >
        {drills.error && <Alert type="error" showIcon title={describeError(drills.error, t)} />}
        <Table<Drill>
          data-testid="drills-table"
          size="small"
          rowKey="id"
          loading={drills.isPending}
          dataSource={drills.data ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('drills.none')} /> }}
          columns={[
            {
              key: 'title',
              title: t('drills.drillTitle'),
              render: (_, d) => <Link to={`/drills/${d.id}`}>{d.title}</Link>,
            },
            { key: 'plan', title: t('drills.plan'), render: (_, d) => `${pick(d.planTitle)} v${d.planVersion}` },
            { key: 'startsAt', title: t('drills.startsAt'), render: (_, d) => new Date(d.startsAt).toLocaleString() },
            {
              key: 'status',
              title: t('drills.status'),
              render: (_, d) => (
                <Tag color={STATUS_COLOURS[d.status]}>{t(`drills.status.${d.status}` as MessageKey)}</Tag>
              ),
            },
            { key: 'participants', title: t('drills.participants'), render: (_, d) => d.participants.length },
          ]}
        />
      </Card>
      <Card title={t('drills.compliance')} style={{ marginTop: 16 }}>
        {compliance.error && <Alert type="error" showIcon title={describeError(compliance.error, t)} />}
        {compliance.data && (
          <>
            <Typography.Paragraph>{t('drills.complianceIntro')}</Typography.Paragraph>
            <ul>
              {compliance.data.requirements.map((r) => (
                <li key={r.requirementId}>
                  {pick(r.documentTitle)} {r.clause} {pick(r.clauseTitle)}：{pick(r.title)}（{r.requirementId}）
                </li>
              ))}
            </ul>
          </>
        )}
        <Table<PlanDrills>
          data-testid="drills-compliance"
          size="small"
          rowKey="planId"
          loading={compliance.isPending}
          dataSource={compliance.data?.plans ?? []}
          pagination={false}
          columns={[
            { key: 'plan', title: t('drills.plan'), render: (_, r) => pick(r.planTitle) },
            { key: 'planned', title: t('drills.planned'), dataIndex: 'planned' },
            { key: 'run', title: t('drills.run'), dataIndex: 'run' },
            { key: 'evaluated', title: t('drills.evaluatedCount'), dataIndex: 'evaluated' },
            { key: 'awaiting', title: t('drills.awaiting'), dataIndex: 'awaitingEvaluation' },
            { key: 'open', title: t('drills.openFollowUps'), dataIndex: 'openFollowUps' },
            {
              key: 'next',
              title: t('drills.nextDrill'),
              render: (_, r) => (r.nextDrillAt ? new Date(r.nextDrillAt).toLocaleString() : '—'),
            },
          ]}
        />
      </Card>
      {scheduling && <ScheduleDialog planId={schedulePlan} onClose={close} />}
    </div>
  );
}

interface Values {
  planId: string;
  title: string;
  scope: string;
  startsAt: Dayjs;
  participants: string[];
  remind: string[];
}

function ScheduleDialog({ planId, onClose }: { planId: string | null; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const plans = usePlans();
  const people = usePeople(true);
  const schedule = useDrillsMutation((v: Values) =>
    drillCalls.schedule({
      planId: v.planId,
      title: v.title.trim(),
      scope: v.scope.trim(),
      startsAt: v.startsAt.format(),
      participants: v.participants,
      remindBefore: v.remind,
    }),
  );
  return (
    <Modal
      open
      width={640}
      title={t('drills.schedule')}
      okText={t('drills.schedule')}
      cancelText={t('app.cancel')}
      confirmLoading={schedule.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          planId: planId ?? undefined,
          startsAt: dayjs().add(1, 'day').startOf('hour').add(1, 'hour'),
          participants: [],
          remind: ['PT24H', 'PT1H'],
        }}
        onFinish={(v) =>
          schedule.mutate(v, {
            onSuccess: (drill) => {
              void message.success(t('drills.scheduled'));
              onClose();
              void navigate(`/drills/${drill.id}`);
            },
          })
        }
      >
        <Form.Item label={t('drills.plan')} name="planId" rules={[{ required: true, message: t('drills.required') }]}>
          <Select
            loading={plans.isPending}
            options={(plans.data ?? []).map((p) => ({ value: p.id, label: `${pick(p.title)} (v${p.latestVersion})` }))}
          />
        </Form.Item>
        <Form.Item
          label={t('drills.drillTitle')}
          name="title"
          rules={[{ required: true, whitespace: true, message: t('drills.required') }]}
        >
          <Input maxLength={300} />
        </Form.Item>
        <Form.Item
          label={t('drills.scope')}
          name="scope"
          rules={[{ required: true, whitespace: true, message: t('drills.required') }]}
        >
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item
          label={t('drills.startsAt')}
          name="startsAt"
          rules={[{ required: true, message: t('drills.required') }]}
        >
          <DatePicker showTime allowClear={false} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item
          label={t('drills.participants')}
          name="participants"
          rules={[{ required: true, message: t('drills.required') }]}
        >
          <Select
            mode="multiple"
            loading={people.isPending}
            optionFilterProp="label"
            options={(people.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item label={t('drills.remindBefore')} name="remind">
          <Checkbox.Group
            options={[
              { value: 'PT24H', label: t('drills.remind24h') },
              { value: 'PT1H', label: t('drills.remind1h') },
            ]}
          />
        </Form.Item>
        {schedule.error && <Alert type="error" showIcon title={describeError(schedule.error, t)} />}
        <Space />
      </Form>
    </Modal>
  );
}
