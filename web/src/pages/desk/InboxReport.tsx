import { PrinterOutlined } from '@ant-design/icons';
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
  Result,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { PageLoading } from '../../components/PageLoading';
import { describeRefusal } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { reportKindLabel } from '../reports/ReportParts';
import { useFieldLabels } from '../reports/reports-api';
import {
  mayHandleInbox,
  useAcknowledge,
  useForward,
  useInbox,
  useInboxItem,
  useRequestInfo,
  type InboxItem,
} from './desk-api';
import { AckCell, OnwardCell, useCategoryName } from './DeskParts';

const fmt = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');

/** One report in the department's inbox (/desk/reports/:reportId). */
export default function InboxReport() {
  const { reportId = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const item = useInboxItem(reportId);
  if (item.error) {
    if (item.error instanceof ApiError && (item.error.status === 404 || item.error.status === 400)) {
      return (
        <Result
          status="404"
          title={<h1 style={{ fontSize: 24 }}>{t('notFound.title')}</h1>}
          subTitle={t('desk.report.notFound')}
          extra={<Button onClick={() => navigate('/desk')}>{t('desk.backToInbox')}</Button>}
        />
      );
    }
    return <Alert type="error" showIcon role="alert" title={describeError(item.error, t)} />;
  }
  if (!item.data) return <PageLoading />;
  return <InboxReportView item={item.data} />;
}

type Dialog = 'acknowledge' | 'request' | 'forward' | null;

/**
 * The report as submitted (its fields; the printable version in a tab of its own), the acknowledgement and
 * onward report counting down, the department's requests for information with the operator's later reports
 * of the incident as their answer, and the actions an officer or admin may take now.
 */
function InboxReportView({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const [dialog, setDialog] = useState<Dialog>(null);
  const categoryName = useCategoryName();
  const fieldLabel = useFieldLabels();
  const doc = item.report;
  const may = mayHandleInbox(user);
  const fieldCodes = [...new Set([...doc.requiredFields, ...Object.keys(doc.fields)])];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="inbox-report">
      <Card>
        <Space direction="vertical" size="small" style={{ width: '100%' }}>
          <Space wrap align="center">
            <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
              {doc.reference} · {reportKindLabel(t, doc.kind, doc.partial)}
            </Typography.Title>
            <Tag color="volcano">{t(`grade.${doc.grade}`)}</Tag>
            {doc.drill && <Tag color="orange">{t('incident.drillStamp')}</Tag>}
            {item.overdue && <Tag color="red">{t('desk.overdueTag')}</Tag>}
          </Space>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 3 }}
            items={[
              { key: 'operator', label: t('desk.operator'), children: doc.organisation.name },
              { key: 'category', label: t('desk.category'), children: categoryName(doc.category) },
              { key: 'incident', label: t('desk.incident'), children: doc.incident.reference },
              { key: 'received', label: t('desk.receivedAt'), children: fmt(item.receivedAt) },
              { key: 'ack', label: t('desk.acknowledgement'), children: <AckCell item={item} /> },
              {
                key: 'onward',
                label: t('desk.onward'),
                children: (
                  <Space size={4} wrap>
                    <OnwardCell item={item} />
                    {item.onward && (
                      <Typography.Text type="secondary">
                        {item.onward.reference
                          ? t('desk.onwardReference', { reference: item.onward.reference })
                          : t('desk.onwardTo', { to: item.onward.to.join('、') })}
                      </Typography.Text>
                    )}
                  </Space>
                ),
              },
            ]}
          />
          {item.ackNote && (
            <Typography.Text type="secondary">{t('desk.ackNote', { note: item.ackNote })}</Typography.Text>
          )}
          <Space wrap role="group" aria-label={t('events.label')} data-testid="inbox-actions">
            {may && !item.acknowledgedAt && (
              <Button type="primary" onClick={() => setDialog('acknowledge')}>
                {t('desk.acknowledge')}
              </Button>
            )}
            {may && <Button onClick={() => setDialog('request')}>{t('desk.requestInfo')}</Button>}
            {may && item.onward && !item.onward.forwardedAt && (
              <Button onClick={() => setDialog('forward')}>{t('desk.recordOnward')}</Button>
            )}
            <Button
              icon={<PrinterOutlined aria-hidden />}
              href={`/api/v1/reports/${doc.id}/render.html`}
              target="_blank"
              rel="noopener"
            >
              {t('reports.printable')}
            </Button>
          </Space>
        </Space>
      </Card>

      <InfoRequestsCard item={item} />

      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('desk.report.fields')}</h2>}>
        <Descriptions
          bordered
          size="small"
          column={1}
          data-testid="report-fields"
          items={fieldCodes.map((code) => ({
            key: code,
            label: fieldLabel(code, doc.fieldLabels[code]),
            children: doc.fields[code] ? (
              <span style={{ whiteSpace: 'pre-wrap' }}>{doc.fields[code]}</span>
            ) : (
              <Typography.Text type="secondary">
                {doc.owedFields?.includes(code) ? t('desk.report.owed') : '—'}
              </Typography.Text>
            ),
          }))}
        />
      </Card>
      {dialog === 'acknowledge' && <AcknowledgeDialog item={item} onClose={() => setDialog(null)} />}
      {dialog === 'request' && <RequestInfoDialog item={item} onClose={() => setDialog(null)} />}
      {dialog === 'forward' && <ForwardDialog item={item} onClose={() => setDialog(null)} />}
    </Space>
  );
}

/**
 * The department's questions, each with its answer: the operator answers by reporting again (a follow-up or
 * a completing initial report), so the incident's reports received after the question are shown under it.
 */
function InfoRequestsCard({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  const later = useInbox({ incidentId: item.report.incident.id, pageSize: 100 });
  if (item.infoRequests.length === 0) return null;
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('desk.infoRequests')}</h2>}>
      <List
        data-testid="desk-info-requests"
        dataSource={item.infoRequests}
        renderItem={(r) => {
          const answers = (later.data?.items ?? []).filter(
            (x) => x.report.id !== item.report.id && Date.parse(x.receivedAt) > Date.parse(r.requestedAt),
          );
          return (
            <List.Item key={r.id}>
              <Space direction="vertical" size={2} style={{ width: '100%' }}>
                <span>{r.message}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('desk.requestedAt', { at: fmt(r.requestedAt) })}
                </Typography.Text>
                {answers.length === 0 ? (
                  <Tag data-testid="info-answer" data-answered="false">
                    {t('desk.awaitingAnswer')}
                  </Tag>
                ) : (
                  <Space wrap data-testid="info-answer" data-answered="true">
                    <Tag color="green">{t('desk.answered')}</Tag>
                    {answers.map((a) => (
                      <Link key={a.report.id} to={`/desk/reports/${a.report.id}`}>
                        {a.report.reference} · {reportKindLabel(t, a.report.kind, a.report.partial)} ·{' '}
                        {fmt(a.receivedAt)}
                      </Link>
                    ))}
                  </Space>
                )}
              </Space>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

function AcknowledgeDialog({ item, onClose }: { item: InboxItem; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const ack = useAcknowledge(item.report.id);
  return (
    <Modal
      open
      title={t('desk.acknowledge')}
      okText={t('desk.acknowledge')}
      cancelText={t('app.cancel')}
      confirmLoading={ack.isPending}
      onCancel={onClose}
      onOk={() =>
        ack.mutate(note.trim() || undefined, {
          onSuccess: () => {
            void message.success(t('desk.acknowledged'));
            onClose();
          },
        })
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('desk.ackNoteLabel')} htmlFor="ack-note">
          <Input.TextArea
            id="ack-note"
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Form.Item>
      </Form>
      {ack.error && <Alert type="error" showIcon role="alert" title={describeRefusal(ack.error, i18n)} />}
    </Modal>
  );
}

function RequestInfoDialog({ item, onClose }: { item: InboxItem; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ message: string }>();
  const ask = useRequestInfo(item.report.id);
  return (
    <Modal
      open
      title={t('desk.requestInfo')}
      okText={t('desk.send')}
      cancelText={t('app.cancel')}
      confirmLoading={ask.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          ask.mutate(v.message.trim(), {
            onSuccess: () => {
              void message.success(t('desk.requestSent'));
              onClose();
            },
          })
        }
      >
        <Form.Item
          label={t('desk.requestMessage')}
          name="message"
          rules={[{ required: true, whitespace: true, message: t('desk.requestMessageRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={4000} />
        </Form.Item>
      </Form>
      {ask.error && <Alert type="error" showIcon role="alert" title={describeRefusal(ask.error, i18n)} />}
    </Modal>
  );
}

function ForwardDialog({ item, onClose }: { item: InboxItem; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reference: string; forwardedAt?: Dayjs }>();
  const forward = useForward(item.report.id);
  return (
    <Modal
      open
      title={t('desk.recordOnward')}
      okText={t('desk.recordOnward')}
      cancelText={t('app.cancel')}
      confirmLoading={forward.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('desk.onwardTo', { to: item.onward?.to.join('、') ?? '' })}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          forward.mutate(
            { reference: v.reference.trim(), ...(v.forwardedAt ? { forwardedAt: v.forwardedAt.toISOString() } : {}) },
            {
              onSuccess: () => {
                void message.success(t('desk.onwardRecorded'));
                onClose();
              },
            },
          )
        }
      >
        <Form.Item
          label={t('desk.onwardReferenceLabel')}
          name="reference"
          rules={[{ required: true, whitespace: true, message: t('desk.onwardReferenceRequired') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t('desk.forwardedAt')} name="forwardedAt" extra={t('desk.forwardedAtHelp')}>
          <DatePicker showTime style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} />
        </Form.Item>
      </Form>
      {forward.error && <Alert type="error" showIcon role="alert" title={describeRefusal(forward.error, i18n)} />}
    </Modal>
  );
}
