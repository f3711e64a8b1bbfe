import { PrinterOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Result,
  Select,
  Space,
  Steps,
  Switch,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { PageLoading } from '../../components/PageLoading';
import { describeRefusal, recipientKindLabel } from '../../components/refusal';
import { useI18n, type MessageKey } from '../../i18n';
import { useIncident } from '../incident/incident-api';
import { shortId } from '../incident/StepsTab';
import { CoverageWarning, DeliveryTable, InfoRequests, ReportStatusTag, reportKindLabel } from './ReportParts';
import {
  may,
  SUBMIT_EVENT,
  useApproveReport,
  useDraftReport,
  useFieldLabels,
  useIncidentReports,
  useReport,
  useSubmitReport,
  useUpdateReport,
  type OutOfBand,
  type Report,
} from './reports-api';

const MEANS = ['phone', 'fax', 'email', 'web', 'mini-program', 'in-person', 'other'] as const;

/** The report page (/reports/:reportId). */
export default function ReportDetail() {
  const { reportId = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const report = useReport(reportId);
  if (report.error) {
    if (report.error instanceof ApiError && (report.error.status === 404 || report.error.status === 400)) {
      return (
        <Result
          status="404"
          title={<h1 style={{ fontSize: 24 }}>{t('notFound.title')}</h1>}
          subTitle={t('reports.notFound')}
          extra={<Button onClick={() => navigate('/reports')}>{t('reports.backToList')}</Button>}
        />
      );
    }
    return <Alert type="error" showIcon role="alert" title={describeError(report.error, t)} />;
  }
  if (!report.data) return <PageLoading />;
  return <ReportView report={report.data} />;
}

function ReportView({ report }: { report: Report }) {
  const { t, pick } = useI18n();
  const { user } = useSignedInSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const incident = useIncident(report.incident.id);
  const incidentReports = useIncidentReports(report.incident.id);
  const fieldLabel = useFieldLabels();
  const approve = useApproveReport(report);
  const correction = useDraftReport(report.incident.id);
  const [submitting, setSubmitting] = useState(false);

  const submitted = report.status === 'submitted';
  const mine = (id: string | null) => id === user.id;
  const who = (id: string | null) => (mine(id) ? t('people.me') : shortId(id ?? undefined));
  const canEdit = may('edit', user.role) && !submitted;
  const canApprove =
    may('approve', user.role) &&
    report.status === 'draft' &&
    !mine(report.createdBy) &&
    report.missingFields.length === 0;
  const workflowTakesIt =
    report.corrects !== null || (incident.data?.allowedEvents.includes(SUBMIT_EVENT[report.kind]) ?? false);
  const canSubmit =
    may('submit', user.role) && report.status === 'approved' && !mine(report.approvedBy) && workflowTakesIt;
  const canCorrect = may('draft', user.role) && submitted && report.correctedBy.length === 0;

  // Why an action this user's role takes is not offered now, so nobody waits for a button that will not come.
  const notes: MessageKey[] = [];
  if (may('approve', user.role) && report.status === 'draft') {
    if (mine(report.createdBy)) notes.push('reports.note.ownDraft');
    else if (report.missingFields.length) notes.push('reports.note.missingBeforeApproval');
  }
  if (may('submit', user.role) && report.status === 'draft') notes.push('reports.note.awaitingApproval');
  if (may('submit', user.role) && report.status === 'approved' && !workflowTakesIt && incident.data)
    notes.push('reports.note.workflowNotReady');

  const stepIndex = report.status === 'draft' ? 0 : report.status === 'approved' ? 1 : 3;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="report-page">
      <Card>
        <Space direction="vertical" size="small" style={{ width: '100%' }}>
          <Space wrap align="center">
            <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
              {report.reference} {reportKindLabel(t, report.kind, report.partial)}
            </Typography.Title>
            <ReportStatusTag status={report.status} />
            {report.drill && <Tag color="orange">{t('incident.drillStamp')}</Tag>}
            {report.corrects && (
              <Tag color="purple">{t('reports.corrects', { reference: report.corrects.reference })}</Tag>
            )}
          </Space>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 4 }}
            items={[
              {
                key: 'incident',
                label: t('reports.incident'),
                children: (
                  <Link to={`/incidents/${report.incident.id}/reports`}>
                    {report.incident.reference} {incident.data?.title ?? ''}
                  </Link>
                ),
              },
              { key: 'grade', label: t('incident.grade'), children: t(`grade.${report.grade}` as MessageKey) },
              { key: 'rule', label: t('reports.rule'), children: report.ruleId },
              {
                key: 'created',
                label: t('reports.createdAt'),
                children: `${dayjs(report.createdAt).format('YYYY-MM-DD HH:mm')} · ${who(report.createdBy)}`,
              },
            ]}
          />
          <Steps
            size="small"
            current={stepIndex}
            items={[
              { title: t('reports.stage.draft') },
              {
                title: t('reports.stage.approved'),
                description: report.approvedAt
                  ? `${dayjs(report.approvedAt).format('MM-DD HH:mm')} · ${who(report.approvedBy)}`
                  : undefined,
              },
              {
                title: t('reports.stage.submitted'),
                description: report.submittedAt ? dayjs(report.submittedAt).format('MM-DD HH:mm') : undefined,
              },
            ]}
          />
          <Space wrap data-testid="report-actions">
            {canApprove && (
              <Button
                type="primary"
                loading={approve.isPending}
                onClick={() =>
                  approve.mutate(undefined, { onSuccess: () => void message.success(t('reports.approved')) })
                }
              >
                {t('reports.approve')}
              </Button>
            )}
            {canSubmit && (
              <Button type="primary" onClick={() => setSubmitting(true)}>
                {t('reports.submit')}
              </Button>
            )}
            {canCorrect && (
              <Button
                loading={correction.isPending}
                onClick={() =>
                  correction.mutate(
                    { kind: report.kind, corrects: report.id },
                    { onSuccess: (r) => navigate(`/reports/${r.id}`) },
                  )
                }
              >
                {t('reports.draftCorrection')}
              </Button>
            )}
            <Button
              icon={<PrinterOutlined aria-hidden />}
              href={`/api/v1/reports/${report.id}/render.html`}
              target="_blank"
              rel="noopener"
            >
              {t('reports.printable')}
            </Button>
          </Space>
          {notes.map((n) => (
            <Alert key={n} type="info" showIcon title={t(n)} data-testid="report-note" />
          ))}
          {approve.error && (
            <Alert type="error" showIcon role="alert" title={describeRefusal(approve.error, { t, pick, fieldLabel })} />
          )}
          {correction.error && (
            <Alert type="error" showIcon role="alert" title={describeRefusal(correction.error, { t, pick })} />
          )}
        </Space>
      </Card>

      {submitted && (
        <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('reports.deliveries')}</h2>}>
          <DeliveryTable report={report} canAcknowledge={may('acknowledge', user.role)} />
        </Card>
      )}
      {report.infoRequests.length > 0 && <InfoRequests requests={report.infoRequests} />}

      <ReportFields report={report} editable={canEdit} />

      {submitting && (
        <SubmitDialog
          report={report}
          missing={incidentReports.data?.recipientCoverage.missing ?? []}
          coverage={incidentReports.data?.recipientCoverage}
          onClose={() => setSubmitting(false)}
        />
      )}
    </Space>
  );
}

/**
 * The report's fields: every field the rule requires for this kind (marked; those still empty marked as
 * missing, those a partial first report left owed marked as owed) and any other field it carries. The
 * liaison edits them until the report is submitted; everyone else reads them.
 */
function ReportFields({ report, editable }: { report: Report; editable: boolean }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const fieldLabel = useFieldLabels();
  const update = useUpdateReport(report);
  const [form] = Form.useForm<{ fields: Record<string, string>; partial: boolean }>();
  const codes = useMemo(
    () => [...new Set([...report.requiredFields, ...Object.keys(report.fields)])],
    [report.requiredFields, report.fields],
  );
  const required = new Set(report.requiredFields);
  const missing = new Set(report.missingFields);
  const owed = new Set(report.owedFields);

  // Each new version of the report (an approval, a colleague's edit heard live) shows its text in the fields
  // nobody is typing in; what the liaison is typing stays. A refetch of the same version changes nothing.
  const shown = useRef<number | null>(null);
  useEffect(() => {
    if (shown.current === report.version) return;
    shown.current = report.version;
    const fields: Record<string, string | undefined> = {};
    for (const code of codes) if (!form.isFieldTouched(['fields', code])) fields[code] = report.fields[code];
    form.setFieldsValue({ fields, ...(form.isFieldTouched('partial') ? {} : { partial: report.partial }) });
  }, [form, codes, report.version, report.fields, report.partial]);

  const save = (v: { fields?: Record<string, string | undefined>; partial?: boolean }) => {
    const changed: Record<string, string | null> = {};
    for (const code of codes) {
      const next = (v.fields?.[code] ?? '').trim();
      const before = report.fields[code] ?? '';
      if (next === before) continue;
      changed[code] = next === '' ? null : next;
    }
    const partialChanged = report.kind === 'initial' && v.partial !== undefined && v.partial !== report.partial;
    if (!Object.keys(changed).length && !partialChanged) {
      void message.info(t('reports.nothingChanged'));
      return;
    }
    update.mutate(
      {
        ...(Object.keys(changed).length ? { fields: changed } : {}),
        ...(partialChanged ? { partial: v.partial } : {}),
      },
      {
        onSuccess: (saved) => {
          // Saved: the form is the report again, nothing typed pending.
          form.resetFields();
          form.setFieldsValue({ fields: { ...saved.fields }, partial: saved.partial });
          shown.current = saved.version;
          void message.success(t('reports.saved'));
        },
      },
    );
  };

  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('reports.fields')}</h2>}
      extra={
        report.missingFields.length > 0 && (
          <Typography.Text type="danger" data-testid="missing-count">
            {t('reports.missingCount', { n: report.missingFields.length })}
          </Typography.Text>
        )
      }
    >
      {editable && report.status === 'approved' && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('reports.editWithdrawsApproval')} />
      )}
      {/* Not a disabled form for those who only read: its labels' tags would grey out below legible contrast. */}
      <Form form={form} layout="vertical" onFinish={save} disabled={update.isPending}>
        {report.kind === 'initial' && editable && (
          <Form.Item
            name="partial"
            label={t('reports.partial')}
            valuePropName="checked"
            extra={t('reports.partialHint')}
          >
            <Switch />
          </Form.Item>
        )}
        {report.kind === 'initial' && !editable && report.partial && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('reports.partialHint')} />
        )}
        {codes.map((code) => {
          const label = fieldLabel(code, report.fieldLabels[code]);
          return (
            <Form.Item
              key={code}
              name={['fields', code]}
              data-testid="report-field"
              data-field={code}
              data-missing={missing.has(code)}
              label={
                <Space size={4}>
                  <span>{label}</span>
                  {required.has(code) && <Tag color="red">{t('reports.required')}</Tag>}
                  {missing.has(code) && (
                    <Tag color="volcano" data-testid="field-missing">
                      {t('reports.missing')}
                    </Tag>
                  )}
                  {owed.has(code) && <Tag color="gold">{t('reports.owed')}</Tag>}
                </Space>
              }
            >
              {editable ? <Input.TextArea autoSize={{ minRows: 1, maxRows: 8 }} maxLength={20000} /> : <ReadOnlyText />}
            </Form.Item>
          );
        })}
        {editable && (
          <Button type="primary" htmlType="submit" loading={update.isPending}>
            {t('reports.save')}
          </Button>
        )}
      </Form>
      {update.error && (
        <Alert
          style={{ marginTop: 16 }}
          type="error"
          showIcon
          role="alert"
          title={describeRefusal(update.error, { t, pick, fieldLabel })}
        />
      )}
    </Card>
  );
}

/** A field's text for those who read but do not edit (Form passes `value`). */
function ReadOnlyText({ value }: { value?: string }) {
  const { t } = useI18n();
  return value ? (
    <div className="lf-field-text">{value}</div>
  ) : (
    <Typography.Text type="secondary">{t('reports.empty')}</Typography.Text>
  );
}

/**
 * Submitting (the liaison): the report goes to every recipient this deployment can reach; a required kind
 * nobody here receives (public security without a configured recipient, say) must have been reported another
 * way first, and is recorded with how and what the recipient gave back.
 */
function SubmitDialog({
  report,
  missing,
  coverage,
  onClose,
}: {
  report: Report;
  missing: string[];
  coverage: Parameters<typeof CoverageWarning>[0]['coverage'] | undefined;
  onClose: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const submit = useSubmitReport(report);
  const fieldLabel = useFieldLabels();
  const [form] = Form.useForm<{
    outOfBand: Array<{ recipientName: string; means: OutOfBand['means']; reference?: string }>;
  }>();
  const send = (v: { outOfBand?: Array<{ recipientName: string; means: OutOfBand['means']; reference?: string }> }) =>
    submit.mutate(
      missing.map((kind, i) => {
        const e = v.outOfBand?.[i];
        return {
          recipientKind: kind as OutOfBand['recipientKind'],
          recipientName: e?.recipientName.trim() ?? '',
          means: e?.means ?? 'phone',
          ...(e?.reference?.trim() ? { reference: e.reference.trim() } : {}),
        };
      }),
      {
        onSuccess: () => {
          void message.success(t('reports.submitted', { reference: report.reference }));
          onClose();
        },
      },
    );
  return (
    <Modal
      open
      width={640}
      title={t('reports.submitTitle', { reference: report.reference })}
      okText={t('reports.submit')}
      cancelText={t('app.cancel')}
      confirmLoading={submit.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('reports.submitIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={send} disabled={submit.isPending}>
        {missing.length > 0 && coverage && <CoverageWarning coverage={coverage} />}
        {missing.map((kind, i) => (
          <fieldset key={kind} className="lf-fieldset" data-testid="out-of-band" data-kind={kind}>
            <legend>{t('reports.outOfBandFor', { kind: recipientKindLabel(t, kind) })}</legend>
            <Form.Item
              label={t('reports.outOfBandName')}
              name={['outOfBand', i, 'recipientName']}
              rules={[{ required: true, whitespace: true, message: t('reports.outOfBandNameRequired') }]}
            >
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item
              label={t('reports.outOfBandMeans')}
              name={['outOfBand', i, 'means']}
              initialValue="phone"
              rules={[{ required: true, message: t('reports.outOfBandMeansRequired') }]}
            >
              <Select options={MEANS.map((m) => ({ value: m, label: t(`means.${m}`) }))} />
            </Form.Item>
            <Form.Item
              label={t('reports.outOfBandReference')}
              name={['outOfBand', i, 'reference']}
              extra={t('reports.outOfBandReferenceHint')}
            >
              <Input maxLength={200} />
            </Form.Item>
          </fieldset>
        ))}
      </Form>
      {submit.error && (
        <Alert type="error" showIcon role="alert" title={describeRefusal(submit.error, { t, pick, fieldLabel })} />
      )}
    </Modal>
  );
}
