import { CheckCircleFilled, ClockCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useSignedInSession } from '../../api/session';
import { labelOf } from '../../components/labels';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { useStepAction } from './incident-api';
import { RequirementTag } from './RequirementTag';
import { currentPhase, mayComplete, mayReopen, stepsByPhase, type Incident, type Step } from './workflow-state';

/**
 * The guided steps as a checklist per phase: who may complete each, the mandatory ones marked, the clauses
 * each cites (hover for the text); `完成` with a note and evidence references where this user may complete
 * the step now, `重新打开` where they may reopen it. Nothing else is offered.
 */
export function StepsTab({ incident }: { incident: Incident }) {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const phase = currentPhase(incident.stateValue);
  const [completing, setCompleting] = useState<Step | null>(null);
  const [reopening, setReopening] = useState<Step | null>(null);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="steps">
      {stepsByPhase(incident.steps).map((group) => {
        const done = group.steps.filter((s) => s.status === 'done').length;
        return (
          <Card
            key={group.phase}
            size="small"
            data-testid={`phase-${group.phase}`}
            title={
              <h2 style={{ fontSize: 16, margin: 0 }}>
                {labelOf(t, 'phase', group.phase)}{' '}
                <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 400 }}>
                  {t('steps.progress', { done, total: group.steps.length })}
                </Typography.Text>
                {group.phase === phase && (
                  <Tag color="blue" style={{ marginLeft: 8 }}>
                    {t('steps.currentPhase')}
                  </Tag>
                )}
              </h2>
            }
          >
            <ul className="lf-steps">
              {group.steps.map((step) => (
                <StepRow
                  key={step.id}
                  step={step}
                  me={user.id}
                  canComplete={mayComplete(step, user.role, phase)}
                  canReopen={mayReopen(step, user.role, phase)}
                  onComplete={() => setCompleting(step)}
                  onReopen={() => setReopening(step)}
                />
              ))}
            </ul>
          </Card>
        );
      })}
      {completing && <CompleteDialog incident={incident} step={completing} onClose={() => setCompleting(null)} />}
      {reopening && <ReopenDialog incident={incident} step={reopening} onClose={() => setReopening(null)} />}
    </Space>
  );
}

function StepRow(props: {
  step: Step;
  me: string;
  canComplete: boolean;
  canReopen: boolean;
  onComplete: () => void;
  onReopen: () => void;
}) {
  const { t, pick } = useI18n();
  const { step } = props;
  const done = step.status === 'done';
  const titleId = `step-${step.id}-title`;
  return (
    <li
      className="lf-step"
      data-testid="step"
      data-step-id={step.id}
      data-status={step.status}
      aria-labelledby={titleId}
    >
      <div className="lf-step-mark" aria-hidden>
        {done ? (
          <CheckCircleFilled style={{ color: '#15803d' }} />
        ) : (
          <ClockCircleOutlined style={{ color: '#6b7280' }} />
        )}
      </div>
      <div className="lf-step-body">
        <div className="lf-step-head">
          <h3 id={titleId} className="lf-step-title">
            {pick(step.title)}
          </h3>
          <Tag color={done ? 'green' : 'default'} data-testid="step-status">
            {done ? t('steps.done') : t('steps.open')}
          </Tag>
          {step.mandatory && (
            <Tag color="red" data-testid="step-mandatory">
              {t('steps.mandatory')}
            </Tag>
          )}
          <span className="lf-step-actions">
            {props.canComplete && (
              <Button type="primary" size="small" onClick={props.onComplete}>
                {t('steps.complete')}
              </Button>
            )}
            {props.canReopen && (
              <Button size="small" onClick={props.onReopen}>
                {t('steps.reopen')}
              </Button>
            )}
          </span>
        </div>
        {step.guidance && <Typography.Paragraph className="lf-muted">{pick(step.guidance)}</Typography.Paragraph>}
        <div className="lf-step-meta">
          <span>
            {t('steps.roles')}
            {step.roles.map((r) => labelOf(t, 'role', r)).join(t('list.sep'))}
          </span>
          {step.requirements.length > 0 && (
            <span>
              {t('steps.requirements')}
              {step.requirements.map((id) => (
                <RequirementTag key={id} id={id} />
              ))}
            </span>
          )}
        </div>
        {!done && step.expectedEvidence && step.expectedEvidence.length > 0 && (
          <div className="lf-step-meta">
            {t('steps.expectedEvidence')}
            {step.expectedEvidence.map((e) => pick(e.description)).join(t('list.sep'))}
          </div>
        )}
        {done && (
          <div className="lf-step-done" data-testid="step-completion">
            <div>
              {t('steps.completedBy', {
                who: step.completedBy === props.me ? t('people.me') : shortId(step.completedBy),
                at: step.completedAt ? dayjs(step.completedAt).format('YYYY-MM-DD HH:mm:ss') : '—',
              })}
            </div>
            {step.note && (
              <div>
                {t('steps.note')}
                {step.note}
              </div>
            )}
            {step.evidence && step.evidence.length > 0 && (
              <div>
                {t('steps.evidence')}
                {step.evidence.map((e) => (
                  <Tag key={e} className="lf-evidence">
                    {e}
                  </Tag>
                ))}
              </div>
            )}
          </div>
        )}
      </div>
    </li>
  );
}

/** People are named by their id until the API names them; the first block is enough to tell them apart. */
export function shortId(id: string | undefined): string {
  if (!id) return '—';
  return id.startsWith('system:') ? id : id.slice(0, 8);
}

interface CompleteValues {
  note?: string;
  evidence?: string[];
}

function CompleteDialog({ incident, step, onClose }: { incident: Incident; step: Step; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<CompleteValues>();
  const action = useStepAction(incident);
  const submit = (v: CompleteValues) =>
    action.mutate(
      {
        kind: 'complete',
        stepId: step.id,
        note: v.note?.trim() || undefined,
        evidence: (v.evidence ?? []).map((e) => e.trim()).filter(Boolean),
      },
      {
        onSuccess: () => {
          void message.success(t('steps.completed', { title: pick(step.title) }));
          onClose();
        },
      },
    );
  return (
    <Modal
      open
      title={t('steps.completeTitle', { title: pick(step.title) })}
      okText={t('steps.complete')}
      cancelText={t('app.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={action.isPending}
      destroyOnHidden
    >
      <Form<CompleteValues> form={form} layout="vertical" onFinish={submit} disabled={action.isPending}>
        <Form.Item label={t('steps.noteLabel')} name="note">
          <Input.TextArea rows={3} maxLength={5000} autoFocus />
        </Form.Item>
        <Form.Item label={t('steps.evidenceLabel')} name="evidence" extra={t('steps.evidenceHint')}>
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
        </Form.Item>
      </Form>
      {action.error && <Alert type="error" showIcon role="alert" title={describeRefusal(action.error, { t, pick })} />}
    </Modal>
  );
}

function ReopenDialog({ incident, step, onClose }: { incident: Incident; step: Step; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const action = useStepAction(incident);
  return (
    <Modal
      open
      title={t('steps.reopenTitle', { title: pick(step.title) })}
      okText={t('steps.reopen')}
      cancelText={t('app.cancel')}
      okButtonProps={{ danger: true }}
      confirmLoading={action.isPending}
      onCancel={onClose}
      onOk={() =>
        action.mutate(
          { kind: 'reopen', stepId: step.id, reason: reason.trim() || undefined },
          {
            onSuccess: () => {
              void message.success(t('steps.reopened', { title: pick(step.title) }));
              onClose();
            },
          },
        )
      }
    >
      <Typography.Paragraph>{t('steps.reopenIntro')}</Typography.Paragraph>
      <label htmlFor="reopen-reason">{t('steps.reasonLabel')}</label>
      <Input.TextArea id="reopen-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      {action.error && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          role="alert"
          title={describeRefusal(action.error, { t, pick })}
        />
      )}
    </Modal>
  );
}
