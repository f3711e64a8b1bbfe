import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { useI18n, type MessageKey } from '../../i18n';
import {
  drillCalls,
  mayPlanDrills,
  mayStartDrills,
  STATUS_COLOURS,
  useDrill,
  useDrillsMutation,
  usePeople,
  type Drill,
} from './drills-api';

type FollowUp = Drill['followUps'][number];

/** One drill's record: plan version, participants, reminders, the drill incident, the evaluation and follow-ups. */
export default function DrillDetail() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const { message, modal } = App.useApp();
  const drill = useDrill(id);
  const start = useDrillsMutation(() => drillCalls.start(id));
  const done = useDrillsMutation((followUpId: string) => drillCalls.completeFollowUp(id, followUpId));
  const [cancelling, setCancelling] = useState(false);
  const [evaluating, setEvaluating] = useState(false);
  if (drill.error) return <Alert type="error" showIcon title={describeError(drill.error, t)} />;
  const d = drill.data;
  if (!d) return <Typography.Paragraph>{t('app.loading')}</Typography.Paragraph>;
  const fail = (err: unknown) => void message.error(describeError(err, t));
  return (
    <div>
      <Link to="/drills">{t('drills.back')}</Link>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {d.title} <Tag color={STATUS_COLOURS[d.status]}>{t(`drills.status.${d.status}` as MessageKey)}</Tag>
      </Typography.Title>
      <Card>
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t('drills.plan')}>
            <Link to={`/plans/${d.planId}`}>
              {pick(d.planTitle)} v{d.planVersion}
            </Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('drills.startsAt')}>{new Date(d.startsAt).toLocaleString()}</Descriptions.Item>
          <Descriptions.Item label={t('drills.scope')} span={2}>
            {d.scope}
          </Descriptions.Item>
          <Descriptions.Item label={t('drills.participants')} span={2}>
            {d.participants.map((p) => p.name).join('、')}
          </Descriptions.Item>
          <Descriptions.Item label={t('drills.reminders')} span={2}>
            <Space size={4} wrap>
              {d.reminders.map((r) => (
                <Tag key={r.before}>
                  {new Date(r.at).toLocaleString()} · {t(`drills.reminder.${r.status}` as MessageKey)}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
          {d.incidentId && (
            <Descriptions.Item label={t('drills.incident')}>
              <Link to={`/incidents/${d.incidentId}`}>{t('drills.open')}</Link>
            </Descriptions.Item>
          )}
        </Descriptions>
        <Space>
          {d.status === 'scheduled' && mayStartDrills(user) && (
            <Button
              type="primary"
              loading={start.isPending}
              onClick={() =>
                modal.confirm({
                  title: t('drills.start'),
                  content: t('drills.startConfirm', { version: d.planVersion }),
                  okText: t('drills.start'),
                  cancelText: t('app.cancel'),
                  onOk: () =>
                    start.mutateAsync(undefined).then(
                      () => void message.success(t('drills.started')),
                      (err: unknown) => fail(err),
                    ),
                })
              }
            >
              {t('drills.start')}
            </Button>
          )}
          {d.status === 'scheduled' && mayPlanDrills(user) && (
            <Button danger onClick={() => setCancelling(true)}>
              {t('drills.cancel')}
            </Button>
          )}
          {d.status === 'started' && mayPlanDrills(user) && (
            <Button type="primary" onClick={() => setEvaluating(true)}>
              {t('drills.evaluate')}
            </Button>
          )}
        </Space>
      </Card>
      {d.evaluation && (
        <Card title={t('drills.evaluation')} style={{ marginTop: 16 }} data-testid="drill-evaluation">
          <Typography.Paragraph>{d.evaluation.summary}</Typography.Paragraph>
          <List
            size="small"
            header={t('drills.wentWell')}
            dataSource={d.evaluation.wentWell}
            renderItem={(x) => <List.Item>{x}</List.Item>}
          />
          <List
            size="small"
            header={t('drills.gaps')}
            dataSource={d.evaluation.gaps}
            renderItem={(x) => <List.Item>{x}</List.Item>}
          />
          <Table<FollowUp>
            size="small"
            rowKey="id"
            dataSource={d.followUps}
            pagination={false}
            title={() => t('drills.followUps')}
            columns={[
              { key: 'action', title: t('drills.followUpAction'), dataIndex: 'action' },
              { key: 'owner', title: t('drills.followUpOwner'), dataIndex: 'ownerName' },
              { key: 'due', title: t('drills.followUpDue'), dataIndex: 'dueDate' },
              {
                key: 'status',
                title: t('drills.status'),
                render: (_, f) => (
                  <Tag color={f.status === 'done' ? 'green' : 'orange'}>
                    {t(`drills.followUpStatus.${f.status}` as MessageKey)}
                  </Tag>
                ),
              },
              {
                key: 'done',
                title: '',
                render: (_, f) =>
                  f.status === 'open' &&
                  (f.ownerId === user.id || mayPlanDrills(user)) && (
                    <Button size="small" onClick={() => done.mutate(f.id, { onError: fail })}>
                      {t('drills.followUpDone')}
                    </Button>
                  ),
              },
            ]}
          />
        </Card>
      )}
      {cancelling && <CancelDialog id={d.id} onClose={() => setCancelling(false)} />}
      {evaluating && <EvaluateDialog id={d.id} onClose={() => setEvaluating(false)} />}
    </div>
  );
}

function CancelDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const cancel = useDrillsMutation(() => drillCalls.cancel(id, reason.trim()));
  return (
    <Modal
      open
      title={t('drills.cancel')}
      okText={t('drills.cancel')}
      cancelText={t('app.cancel')}
      okButtonProps={{ danger: true, disabled: !reason.trim() }}
      confirmLoading={cancel.isPending}
      onCancel={onClose}
      onOk={() =>
        cancel.mutate(undefined, {
          onSuccess: () => {
            void message.success(t('drills.cancelled'));
            onClose();
          },
        })
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('drills.cancelReason')} required>
          <Input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        </Form.Item>
      </Form>
      {cancel.error && <Alert type="error" showIcon title={describeError(cancel.error, t)} />}
    </Modal>
  );
}

interface EvaluationValues {
  summary: string;
  wentWell?: string;
  gaps?: string;
  followUps?: Array<{ action: string; ownerId: string; due: Dayjs }>;
}

const lines = (text?: string) =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function EvaluateDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<EvaluationValues>();
  const people = usePeople(true);
  const evaluate = useDrillsMutation((v: EvaluationValues) =>
    drillCalls.evaluate(id, {
      summary: v.summary.trim(),
      wentWell: lines(v.wentWell),
      gaps: lines(v.gaps),
      followUps: (v.followUps ?? []).map((f) => ({
        action: f.action.trim(),
        ownerId: f.ownerId,
        dueDate: f.due.format('YYYY-MM-DD'),
      })),
    }),
  );
  const required = [{ required: true, whitespace: true, message: t('drills.required') }];
  return (
    <Modal
      open
      width={720}
      title={t('drills.evaluate')}
      okText={t('drills.evaluate')}
      cancelText={t('app.cancel')}
      confirmLoading={evaluate.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<EvaluationValues>
        form={form}
        layout="vertical"
        onFinish={(v) =>
          evaluate.mutate(v, {
            onSuccess: () => {
              void message.success(t('drills.evaluated'));
              onClose();
            },
          })
        }
      >
        <Form.Item label={t('drills.summary')} name="summary" rules={required}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item label={t('drills.wentWell')} name="wentWell">
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item label={t('drills.gaps')} name="gaps">
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.List name="followUps">
          {(fields, { add, remove }) => (
            <>
              <Typography.Text strong>{t('drills.followUps')}</Typography.Text>
              {fields.map((field) => (
                <Space key={field.key} align="start" wrap style={{ display: 'flex', marginTop: 8 }}>
                  <Form.Item name={[field.name, 'action']} rules={required} style={{ width: 260, marginBottom: 0 }}>
                    <Input placeholder={t('drills.followUpAction')} maxLength={1000} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'ownerId']}
                    rules={[required[0]]}
                    style={{ width: 160, marginBottom: 0 }}
                  >
                    <Select
                      placeholder={t('drills.followUpOwner')}
                      options={(people.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'due']}
                    rules={[{ required: true, message: t('drills.required') }]}
                    style={{ marginBottom: 0 }}
                  >
                    <DatePicker placeholder={t('drills.followUpDue')} />
                  </Form.Item>
                  <Button onClick={() => remove(field.name)}>−</Button>
                </Space>
              ))}
              <Button type="dashed" onClick={() => add()} style={{ marginTop: 8 }}>
                {t('drills.followUpAdd')}
              </Button>
            </>
          )}
        </Form.List>
        {evaluate.error && (
          <Alert type="error" showIcon title={describeError(evaluate.error, t)} style={{ marginTop: 12 }} />
        )}
      </Form>
    </Modal>
  );
}
