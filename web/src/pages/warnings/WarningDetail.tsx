import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Radio,
  Result,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/client';
import { Countdown } from '../../components/Countdown';
import { labelOf } from '../../components/labels';
import { PageLoading } from '../../components/PageLoading';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import {
  LEVEL_COLOURS,
  useWarning,
  useWarningEvent,
  WARNING_EVENTS,
  type Warning,
  type WarningEvent,
  type WarningEventType,
} from './warnings-api';
import { WarningThreat } from './WarningThreat';

/** One warning received (/warnings/:warningId). */
export default function WarningDetail() {
  const { warningId = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const warning = useWarning(warningId);
  if (warning.error) {
    if (warning.error instanceof ApiError && (warning.error.status === 404 || warning.error.status === 400)) {
      return (
        <Result
          status="404"
          title={<h1 style={{ fontSize: 24 }}>{t('notFound.title')}</h1>}
          subTitle={t('warnings.notFound')}
          extra={<Button onClick={() => navigate('/warnings')}>{t('warnings.backToList')}</Button>}
        />
      );
    }
    return <Alert type="error" showIcon role="alert" title={describeError(warning.error, t)} />;
  }
  if (!warning.data) return <PageLoading />;
  return <WarningView warning={warning.data} />;
}

/**
 * The warning as the department issued it (threat, recommended actions, indicators), where this operator's
 * handling of it stands (assessment, actions, feedback), the feedback deadline counting down, and the events
 * the API accepts from this user now as buttons.
 */
function WarningView({ warning }: { warning: Warning }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<WarningEventType | null>(null);
  const events = WARNING_EVENTS.filter((e) => warning.allowedEvents.includes(e));
  const deadline = warning.deadline;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="warning-page">
      <Card>
        <Space direction="vertical" size="small" style={{ width: '100%' }}>
          <Space wrap align="center">
            <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
              {warning.reference} {warning.title}
            </Typography.Title>
            <Tag color={LEVEL_COLOURS[warning.level]}>{labelOf(t, 'level', warning.level)}</Tag>
            {warning.drill && <Tag color="orange">{t('incident.drillStamp')}</Tag>}
          </Space>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 4 }}
            items={[
              { key: 'issuer', label: t('warnings.issuer'), children: warning.issuer.name },
              {
                key: 'state',
                label: t('warnings.state'),
                children: (
                  <span data-testid="warning-state" data-state={warning.state}>
                    {labelOf(t, 'wfState', warning.state)}
                  </span>
                ),
              },
              {
                key: 'feedback',
                label: t('warnings.feedbackDue'),
                children: (
                  <span data-testid="warning-deadline" data-status={deadline.status}>
                    {deadline.status === 'met' ? (
                      <Tag color="green">{t('deadline.met')}</Tag>
                    ) : deadline.status === 'cancelled' ? (
                      dayjs(deadline.dueAt).format('YYYY-MM-DD HH:mm')
                    ) : (
                      <Countdown dueAt={deadline.dueAt} />
                    )}
                  </span>
                ),
              },
              {
                key: 'received',
                label: t('warnings.receivedAt'),
                children: dayjs(warning.createdAt).format('YYYY-MM-DD HH:mm'),
              },
            ]}
          />
          {events.length > 0 && (
            <Space wrap data-testid="warning-events" role="group" aria-label={t('events.label')}>
              {events.map((e) => (
                <Button key={e} type={e === 'FEEDBACK_SENT' ? 'primary' : 'default'} onClick={() => setOpen(e)}>
                  {labelOf(t, 'warningEvent', e)}
                </Button>
              ))}
            </Space>
          )}
        </Space>
      </Card>

      <WarningThreat warning={warning} />

      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('warnings.handling')}</h2>}>
        <Descriptions
          column={1}
          size="small"
          items={[
            {
              key: 'assessment',
              label: t('warnings.assessment'),
              children: (
                <span data-testid="warning-assessment">
                  {warning.assessment.applicable === null
                    ? t('warnings.notAssessed')
                    : warning.assessment.applicable
                      ? t('warnings.applicable')
                      : t('warnings.notApplicable')}
                  {warning.assessment.note ? ` · ${warning.assessment.note}` : ''}
                </span>
              ),
            },
            { key: 'actions', label: t('warnings.actionsTaken'), children: warning.actionsSummary ?? '—' },
            {
              key: 'feedback',
              label: t('warnings.feedback'),
              children: warning.feedback ? (
                <div data-testid="warning-feedback">
                  <div>{warning.feedback.text}</div>
                  {warning.feedback.measures.length > 0 && (
                    <ul style={{ margin: '4px 0' }}>
                      {warning.feedback.measures.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  )}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {dayjs(warning.feedback.at).format('YYYY-MM-DD HH:mm')}
                  </Typography.Text>
                </div>
              ) : (
                '—'
              ),
            },
          ]}
        />
      </Card>
      {open && <WarningEventDialog warning={warning} type={open} onClose={() => setOpen(null)} />}
    </Space>
  );
}

interface Values {
  applicable?: 'yes' | 'no';
  note?: string;
  summary?: string;
  feedback?: string;
  measures?: string[];
}

function bodyOf(type: WarningEventType, v: Values): Omit<WarningEvent, 'expectedVersion'> {
  switch (type) {
    case 'ASSESSED':
      return { type, applicable: v.applicable === 'yes', ...(v.note?.trim() ? { note: v.note.trim() } : {}) };
    case 'ACTIONS_TAKEN':
      return { type, summary: v.summary!.trim() };
    case 'FEEDBACK_SENT':
      return {
        type,
        feedback: v.feedback!.trim(),
        measures: (v.measures ?? []).map((m) => m.trim()).filter(Boolean),
      };
    default:
      return { type };
  }
}

function WarningEventDialog({
  warning,
  type,
  onClose,
}: {
  warning: Warning;
  type: WarningEventType;
  onClose: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const send = useWarningEvent(warning);
  const label = labelOf(t, 'warningEvent', type);
  return (
    <Modal
      open
      title={label}
      okText={label}
      cancelText={t('app.cancel')}
      confirmLoading={send.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{labelOf(t, 'warningEventHelp', type)}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        disabled={send.isPending}
        onFinish={(v) =>
          send.mutate(bodyOf(type, v), {
            onSuccess: () => {
              void message.success(t('events.sent', { event: label }));
              onClose();
            },
          })
        }
      >
        {type === 'ASSESSED' && (
          <>
            <Form.Item
              label={t('warnings.appliesToUs')}
              name="applicable"
              rules={[{ required: true, message: t('warnings.appliesRequired') }]}
            >
              <Radio.Group
                options={[
                  { value: 'yes', label: t('warnings.applicable') },
                  { value: 'no', label: t('warnings.notApplicable') },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('warnings.assessmentNote')} name="note">
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </>
        )}
        {type === 'ACTIONS_TAKEN' && (
          <Form.Item
            label={t('warnings.actionsSummary')}
            name="summary"
            rules={[{ required: true, whitespace: true, message: t('warnings.summaryRequired') }]}
          >
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
        )}
        {type === 'FEEDBACK_SENT' && (
          <>
            <Form.Item
              label={t('warnings.feedbackText')}
              name="feedback"
              rules={[{ required: true, whitespace: true, message: t('warnings.feedbackRequired') }]}
            >
              <Input.TextArea rows={4} maxLength={10000} />
            </Form.Item>
            <Form.Item label={t('warnings.measures')} name="measures" extra={t('warnings.measuresHint')}>
              <Select mode="tags" tokenSeparators={['\n']} open={false} suffixIcon={null} />
            </Form.Item>
          </>
        )}
      </Form>
      {send.error && <Alert type="error" showIcon role="alert" title={describeRefusal(send.error, { t, pick })} />}
    </Modal>
  );
}
