import { Alert, App, Form, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { useStepAction } from './incident-api';
import type { Incident, Step } from './workflow-state';

interface CompleteValues {
  note?: string;
  evidence?: string[];
}

export function CompleteDialog({ incident, step, onClose }: { incident: Incident; step: Step; onClose: () => void }) {
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

export function ReopenDialog({ incident, step, onClose }: { incident: Incident; step: Step; onClose: () => void }) {
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

/** Completing or reopening a step (its own chunk, like the event dialogs). */
export default function StepDialog(props: {
  incident: Incident;
  step: Step;
  kind: 'complete' | 'reopen';
  onClose: () => void;
}) {
  return props.kind === 'complete' ? <CompleteDialog {...props} /> : <ReopenDialog {...props} />;
}
