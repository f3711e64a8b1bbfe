import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, describeError, unwrap, type Schemas } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { adminKeys, isPlatformAdmin } from './admin-api';

type Entry = Schemas['OrganisationAuditEntryView'];
const PAGE = 50;

/** What an entry's payload says in one line (the JSON, cut): the full payload is a click away. */
const brief = (payload: unknown) => {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
};

/**
 * The organisation's audit trail (/admin/audit), newest first, every entry checked by the API against its
 * neighbours in the organisation's hash chain (and the newest against the keyed head): the page says whether
 * every entry shown is intact, or where the chain breaks. A platform admin also verifies the whole deployment
 * (every chain, the signed checkpoints, the witness) — the API keeps that walk for platform admins.
 */
export default function AuditTab() {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const entries = useInfiniteQuery({
    queryKey: adminKeys.audit,
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/audit/entries', {
          params: { query: { limit: PAGE, ...(pageParam === undefined ? {} : { before: pageParam }) } },
        }),
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/audit/verify')) });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const broken = items.filter((e) => !e.verification.ok);
  const reachedStart = entries.data !== undefined && !entries.hasNextPage;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card>
        <Space direction="vertical" style={{ width: '100%' }}>
          {entries.error && <Alert type="error" showIcon title={describeError(entries.error, t)} />}
          {entries.data && (
            <div data-testid="audit-status" data-ok={broken.length === 0}>
              {broken.length === 0 ? (
                <Alert
                  type="success"
                  showIcon
                  title={
                    reachedStart
                      ? t('admin.audit.intactAll', { n: items.length })
                      : t('admin.audit.intactShown', { n: items.length })
                  }
                />
              ) : (
                <Alert
                  type="error"
                  showIcon
                  title={t('admin.audit.broken', {
                    n: broken.length,
                    seq: broken[broken.length - 1]!.chainSeq,
                    problem: broken[broken.length - 1]!.verification.problem ?? '',
                  })}
                />
              )}
            </div>
          )}
          {isPlatformAdmin(user) && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Button loading={verify.isPending} onClick={() => verify.mutate()}>
                {t('admin.audit.verifyAll')}
              </Button>
              {verify.error && <Alert type="error" showIcon title={describeError(verify.error, t)} />}
              {verify.data && (
                <Descriptions
                  size="small"
                  bordered
                  column={{ xs: 1, md: 2 }}
                  data-testid="audit-verify"
                  items={[
                    {
                      key: 'ok',
                      label: t('admin.audit.result'),
                      children: verify.data.ok ? (
                        <Tag color="green">{t('admin.audit.ok')}</Tag>
                      ) : (
                        <Tag color="red">
                          {t('admin.audit.firstBroken', {
                            chain: verify.data.firstBroken?.chain ?? '?',
                            reason: verify.data.firstBroken?.reason ?? '',
                          })}
                        </Tag>
                      ),
                    },
                    { key: 'entries', label: t('admin.audit.entries'), children: verify.data.entries },
                    { key: 'chains', label: t('admin.audit.chains'), children: verify.data.chains },
                    {
                      key: 'checkpoints',
                      label: t('admin.audit.checkpoints'),
                      children: `${verify.data.checkpoints.count} · ${
                        verify.data.checkpoints.ok ? t('admin.audit.ok') : t('admin.audit.notOk')
                      }`,
                    },
                    {
                      key: 'witness',
                      label: t('admin.audit.witness'),
                      children: [verify.data.witness.state, verify.data.witness.problem].filter(Boolean).join(' · '),
                    },
                    {
                      key: 'reports',
                      label: t('admin.audit.reportHeads'),
                      children: t('admin.audit.reportHeadsValue', {
                        checked: verify.data.reportHeads.checked,
                        broken: verify.data.reportHeads.broken.length,
                      }),
                    },
                  ]}
                />
              )}
            </Space>
          )}
        </Space>
      </Card>
      <Card>
        <Table<Entry>
          data-testid="audit-table"
          size="small"
          rowKey="seq"
          loading={entries.isPending}
          dataSource={items}
          pagination={false}
          scroll={{ x: 'max-content' }}
          expandable={{
            expandedRowRender: (e) => (
              <pre className="lf-code" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {JSON.stringify(e.payload, null, 2)}
              </pre>
            ),
          }}
          columns={[
            { key: 'seq', title: '#', render: (_, e) => e.chainSeq },
            { key: 'at', title: t('admin.audit.at'), render: (_, e) => dayjs(e.at).format('YYYY-MM-DD HH:mm:ss') },
            {
              key: 'action',
              title: t('admin.audit.action'),
              render: (_, e) => <code className="lf-code">{e.action}</code>,
            },
            {
              key: 'actor',
              title: t('admin.audit.actor'),
              render: (_, e) => (
                <Space size={4}>
                  <Typography.Text style={{ fontSize: 12 }}>{e.actorId}</Typography.Text>
                  {e.actorRole && <Tag>{labelOf(t, 'role', e.actorRole)}</Tag>}
                </Space>
              ),
            },
            {
              key: 'payload',
              title: t('admin.audit.payload'),
              render: (_, e) => <Typography.Text style={{ fontSize: 12 }}>{brief(e.payload)}</Typography.Text>,
            },
            {
              key: 'verification',
              title: t('admin.audit.verification'),
              render: (_, e) =>
                e.verification.ok ? (
                  <Tag color="green">{t('admin.audit.ok')}</Tag>
                ) : (
                  <Tag color="red">{e.verification.problem ?? t('admin.audit.notOk')}</Tag>
                ),
            },
          ]}
        />
        {entries.hasNextPage && (
          <Button
            style={{ marginTop: 12 }}
            loading={entries.isFetchingNextPage}
            onClick={() => void entries.fetchNextPage()}
          >
            {t('admin.audit.older')}
          </Button>
        )}
      </Card>
    </Space>
  );
}
