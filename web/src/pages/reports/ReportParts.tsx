import { Alert, App, Button, Empty, Input, List, Modal, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Countdown } from '../../components/Countdown';
import { labelOf } from '../../components/labels';
import { describeRefusal, recipientKindLabel } from '../../components/refusal';
import { useI18n } from '../../i18n';
import { useAcknowledgeDelivery, type Delivery, type IncidentReports, type Report } from './reports-api';

const STATUS_COLOURS: Record<string, string> = { draft: 'default', approved: 'blue', submitted: 'green' };

export function ReportStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="report-status" data-status={status}>
      {labelOf(t, 'reportStatus', status)}
    </Tag>
  );
}

export function reportKindLabel(t: ReturnType<typeof useI18n>['t'], kind: string, partial: boolean): string {
  const label = labelOf(t, 'reportKind', kind);
  return partial ? t('reports.partialKind', { kind: label }) : label;
}

const fmt = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');

/**
 * Each delivery of a submitted report: to whom, by which channel, whether it went through (attempts, the
 * last error), and whether it was acknowledged — counting down to the acknowledgement deadline until it is.
 * An external recipient's confirmation (a phone call back, a reply mail) is recorded here by those allowed.
 */
export function DeliveryTable({ report, canAcknowledge }: { report: Report; canAcknowledge: boolean }) {
  const { t } = useI18n();
  const [acknowledging, setAcknowledging] = useState<Delivery | null>(null);
  return (
    <>
      <Table<Delivery>
        data-testid="deliveries"
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={report.deliveries}
        locale={{ emptyText: <Empty description={t('reports.noDeliveries')} /> }}
        columns={[
          {
            key: 'recipient',
            title: t('reports.recipient'),
            render: (_, d) => (
              <Space direction="vertical" size={0}>
                <span>{d.recipientName}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {recipientKindLabel(t, d.recipientKind)}
                </Typography.Text>
              </Space>
            ),
          },
          { key: 'channel', title: t('reports.channel'), render: (_, d) => labelOf(t, 'channel', d.channel) },
          {
            key: 'status',
            title: t('reports.deliveryStatus'),
            render: (_, d) => (
              <Space direction="vertical" size={0}>
                <Tag
                  color={d.status === 'delivered' ? 'green' : d.status === 'failed' ? 'red' : 'gold'}
                  data-testid="delivery-status"
                  data-status={d.status}
                >
                  {labelOf(t, 'deliveryStatus', d.status)}
                </Tag>
                {d.deliveredAt && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmt(d.deliveredAt)}
                  </Typography.Text>
                )}
                {d.attempts > 1 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('reports.attempts', { n: d.attempts })}
                  </Typography.Text>
                )}
                {d.lastError && d.status !== 'delivered' && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }}>
                    {d.lastError}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            key: 'ack',
            title: t('reports.acknowledgement'),
            render: (_, d) =>
              d.acknowledgedAt ? (
                <Space direction="vertical" size={0} data-testid="delivery-ack" data-acknowledged="true">
                  <Tag color="green">{t('reports.acknowledgedAt', { at: fmt(d.acknowledgedAt) })}</Tag>
                  {/* An out-of-band report's note is how it was made (a `means` code). */}
                  {d.ackNote && (
                    <Typography.Text style={{ fontSize: 12 }}>{labelOf(t, 'means', d.ackNote)}</Typography.Text>
                  )}
                </Space>
              ) : (
                <Space direction="vertical" size={0} data-testid="delivery-ack" data-acknowledged="false">
                  <span>
                    {t('reports.awaitingAck')} <Countdown dueAt={d.ackDueAt} />
                  </span>
                  {d.ackEscalationLevel > 0 && (
                    <Tag color="red">{t('deadline.escalated', { level: d.ackEscalationLevel })}</Tag>
                  )}
                  {canAcknowledge && !d.departmentOrgId && (
                    <Button size="small" onClick={() => setAcknowledging(d)}>
                      {t('reports.recordAck')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {acknowledging && (
        <AcknowledgeDialog report={report} delivery={acknowledging} onClose={() => setAcknowledging(null)} />
      )}
    </>
  );
}

function AcknowledgeDialog({ report, delivery, onClose }: { report: Report; delivery: Delivery; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const ack = useAcknowledgeDelivery(report);
  return (
    <Modal
      open
      title={t('reports.recordAckTitle', { recipient: delivery.recipientName })}
      okText={t('reports.recordAck')}
      cancelText={t('app.cancel')}
      confirmLoading={ack.isPending}
      onCancel={onClose}
      onOk={() =>
        ack.mutate(
          { deliveryId: delivery.id, note: note.trim() || undefined },
          {
            onSuccess: () => {
              void message.success(t('reports.ackRecorded'));
              onClose();
            },
          },
        )
      }
    >
      <label htmlFor="ack-note">{t('reports.ackNote')}</label>
      <Input.TextArea id="ack-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
      {ack.error && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          role="alert"
          title={describeRefusal(ack.error, { t, pick })}
        />
      )}
    </Modal>
  );
}

/** Departments' requests for more information, newest first. */
export function InfoRequests({ requests }: { requests: IncidentReports['infoRequests'] }) {
  const { t } = useI18n();
  if (!requests.length) return null;
  return (
    <List
      data-testid="info-requests"
      size="small"
      bordered
      header={<strong>{t('reports.infoRequests')}</strong>}
      dataSource={requests}
      renderItem={(r) => (
        <List.Item key={r.id}>
          <Space direction="vertical" size={0}>
            <span>{r.message}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.departmentName} · {fmt(r.requestedAt)}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}

/** Required recipient kinds nobody here would receive, with the national channels to report to instead. */
export function CoverageWarning({ coverage }: { coverage: IncidentReports['recipientCoverage'] }) {
  const { t, pick } = useI18n();
  if (!coverage.missing.length) return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="coverage-missing"
      title={t('reports.coverageMissing', {
        kinds: coverage.missing.map((k) => recipientKindLabel(t, k)).join(t('list.sep')),
      })}
      description={
        coverage.nationalChannels.length > 0 && (
          <span>
            {t('reports.nationalChannels')}
            {coverage.nationalChannels.map((c) => pick(c.label)).join(t('list.sep'))}
          </span>
        )
      }
    />
  );
}
