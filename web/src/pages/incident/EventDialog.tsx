import { Alert, App, Form, Input, Modal, Radio, Switch, Typography } from 'antd';
import { labelOf } from '../../components/labels';
import { describeRefusal } from '../../components/refusal';
import { useI18n, type MessageKey } from '../../i18n';
import { useApplyEvent, type EventBody } from './incident-api';
import type { Incident, PersonEvent } from './workflow-state';

const GRADES = ['I', 'II', 'III', 'IV'] as const;
type Grade = (typeof GRADES)[number];

/** Events that change nothing but the state: a confirmation is enough. */
const BARE: ReadonlySet<PersonEvent> = new Set(['ADVANCE', 'REVIEW_COMPLETED', 'REIDENTIFICATION_COMPLETED']);
/** Events that end or narrow something: their confirm button is red. */
const DANGEROUS: ReadonlySet<PersonEvent> = new Set(['DISMISS']);

interface Values {
  grade?: Grade;
  crime?: 'yes' | 'no' | 'later';
  suspected?: 'yes' | 'no';
  note?: string;
  reason?: string;
  reference?: string;
  reportReference?: string;
  partial?: boolean;
}

/** The body of `type` from the dialog's values: only what that event takes. */
function bodyOf(type: PersonEvent, v: Values): Omit<EventBody, 'expectedVersion'> {
  const note = v.note?.trim() ? { note: v.note.trim() } : {};
  switch (type) {
    case 'CONFIRM':
      return {
        type,
        grade: v.grade!,
        ...note,
        ...(v.crime === 'yes' ? { crimeSuspected: true } : v.crime === 'no' ? { crimeSuspected: false } : {}),
      };
    case 'DISMISS':
      return { type, reason: v.reason!.trim() };
    case 'REGRADE':
      return { type, grade: v.grade!, reason: v.reason!.trim() };
    case 'CRIME_ASSESSED':
      return { type, suspected: v.suspected === 'yes', ...note };
    case 'POLICE_REPORT_FILED':
      return { type, reference: v.reference!.trim(), ...note };
    case 'INITIAL_REPORT_SUBMITTED':
      return { type, reportReference: v.reportReference!.trim(), partial: v.partial ?? false };
    case 'FOLLOWUP_REPORT_SUBMITTED':
    case 'FINAL_REPORT_SUBMITTED':
      return { type, reportReference: v.reportReference!.trim() };
    default:
      return { type };
  }
}

/**
 * The dialog of one workflow event (its own chunk: the page needs it only once a button is pressed): what the
 * event needs, sent with the version the page shows; a refusal is explained in the dialog.
 */
export default function EventDialog({
  incident,
  type,
  onClose,
}: {
  incident: Incident;
  type: PersonEvent;
  onClose: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const apply = useApplyEvent(incident);
  const gradeOptions = GRADES.map((g) => ({ value: g, label: t(`grade.${g}` as MessageKey) }));
  const required = (key: MessageKey) => [{ required: true, whitespace: true, message: t(key) }];
  const submit = (v: Values) =>
    apply.mutate(bodyOf(type, v), {
      onSuccess: () => {
        void message.success(t('events.sent', { event: labelOf(t, 'event', type) }));
        onClose();
      },
    });

  return (
    <Modal
      open
      title={labelOf(t, 'event', type)}
      okText={labelOf(t, 'event', type)}
      cancelText={t('app.cancel')}
      okButtonProps={{ danger: DANGEROUS.has(type) }}
      confirmLoading={apply.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{labelOf(t, 'eventHelp', type)}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        disabled={apply.isPending}
        initialValues={{ grade: incident.grade, crime: 'later', partial: false }}
      >
        {(type === 'CONFIRM' || type === 'REGRADE') && (
          <Form.Item
            label={t('events.grade')}
            name="grade"
            rules={[
              { required: true, message: t('events.gradeRequired') },
              {
                validator: (_, g: Grade | undefined) =>
                  type === 'REGRADE' && g === incident.grade
                    ? Promise.reject(new Error(t('events.gradeUnchanged')))
                    : Promise.resolve(),
              },
            ]}
          >
            <Radio.Group options={gradeOptions} />
          </Form.Item>
        )}
        {type === 'CONFIRM' && incident.workflow.version >= 2 && (
          <Form.Item label={t('events.crimeSuspected')} name="crime">
            <Radio.Group
              options={[
                { value: 'yes', label: t('events.crime.yes') },
                { value: 'no', label: t('events.crime.no') },
                { value: 'later', label: t('events.crime.later') },
              ]}
            />
          </Form.Item>
        )}
        {type === 'CRIME_ASSESSED' && (
          <Form.Item
            label={t('events.crimeSuspected')}
            name="suspected"
            rules={[{ required: true, message: t('events.crimeRequired') }]}
          >
            <Radio.Group
              options={[
                { value: 'yes', label: t('events.crime.yes') },
                { value: 'no', label: t('events.crime.no') },
              ]}
            />
          </Form.Item>
        )}
        {type === 'POLICE_REPORT_FILED' && (
          <Form.Item label={t('events.policeReference')} name="reference" rules={required('events.referenceRequired')}>
            <Input maxLength={200} />
          </Form.Item>
        )}
        {(type === 'INITIAL_REPORT_SUBMITTED' ||
          type === 'FOLLOWUP_REPORT_SUBMITTED' ||
          type === 'FINAL_REPORT_SUBMITTED') && (
          <Form.Item
            label={t('events.reportReference')}
            name="reportReference"
            extra={t('events.reportReferenceHint')}
            rules={required('events.referenceRequired')}
          >
            <Input maxLength={200} />
          </Form.Item>
        )}
        {type === 'INITIAL_REPORT_SUBMITTED' && (
          <Form.Item label={t('events.partial')} name="partial" valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
        {(type === 'DISMISS' || type === 'REGRADE') && (
          <Form.Item label={t('events.reason')} name="reason" rules={required('events.reasonRequired')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {(type === 'CONFIRM' || type === 'CRIME_ASSESSED' || type === 'POLICE_REPORT_FILED') && (
          <Form.Item label={t('events.note')} name="note">
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {BARE.has(type) && <Typography.Paragraph>{t('events.confirmBare')}</Typography.Paragraph>}
      </Form>
      {apply.error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="event-refusal"
          title={describeRefusal(apply.error, { t, pick })}
        />
      )}
    </Modal>
  );
}
