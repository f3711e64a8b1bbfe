import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { type Schemas } from '../../api/client';
import { describeRefusal } from '../../components/refusal';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { AdminList } from './AdminParts';
import { organisationCalls, SECTORS, useAdminMutation, useOrganisations, type Organisation } from './admin-api';

const OPERATOR_KINDS = ['cii', 'organ', 'other'] as const;
const DEPARTMENT_KINDS = ['protection-department', 'provincial-cyberspace-department', 'public-security'] as const;

/**
 * Every organisation (/admin/organisations), for platform admins: create an operator or a department, and set
 * an organisation's sector, operator kind, department kind and region. Its users are one click away.
 */
export default function OrganisationsTab() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const orgs = useOrganisations();
  const [editing, setEditing] = useState<Organisation | 'new' | null>(null);
  return (
    <AdminList addLabel={t('admin.orgs.add')} onAdd={() => setEditing('new')} error={orgs.error}>
      <Card>
        <Table<Organisation>
          data-testid="organisations-table"
          size="small"
          rowKey="id"
          loading={orgs.isPending}
          dataSource={orgs.data ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              key: 'name',
              title: t('admin.orgs.name'),
              sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
              render: (_, o) => (
                <Space size={4}>
                  <span>{o.name}</span>
                  {o.isPlatform && <Tag color="purple">{t('admin.orgs.platform')}</Tag>}
                </Space>
              ),
            },
            {
              key: 'kind',
              title: t('admin.orgs.kind'),
              filters: [
                { text: t('header.orgKind.operator'), value: 'operator' },
                { text: t('header.orgKind.department'), value: 'department' },
              ],
              onFilter: (v, o) => o.kind === v,
              render: (_, o) =>
                `${labelOf(t, 'header.orgKind', o.kind)}${
                  o.operatorKind ? ` · ${labelOf(t, 'admin.operatorKind', o.operatorKind)}` : ''
                }${o.departmentKind ? ` · ${labelOf(t, 'admin.departmentKind', o.departmentKind)}` : ''}`,
            },
            {
              key: 'sector',
              title: t('admin.orgs.sector'),
              sorter: (a, b) => a.sector.localeCompare(b.sector),
              render: (_, o) => labelOf(t, 'admin.sector', o.sector),
            },
            { key: 'region', title: t('admin.orgs.region'), render: (_, o) => o.region ?? '—' },
            { key: 'created', title: t('admin.createdAt'), render: (_, o) => dayjs(o.createdAt).format('YYYY-MM-DD') },
            {
              key: 'actions',
              title: t('admin.actions'),
              render: (_, o) => (
                <Space size={4}>
                  <Button size="small" onClick={() => navigate(`/admin/users?org=${o.id}`)}>
                    {t('admin.tabs.users')}
                  </Button>
                  {!o.isPlatform && (
                    <Button size="small" onClick={() => setEditing(o)}>
                      {t('admin.edit')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing && <OrganisationDialog org={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </AdminList>
  );
}

interface Values {
  name: string;
  kind: 'operator' | 'department';
  sector: (typeof SECTORS)[number];
  operatorKind?: (typeof OPERATOR_KINDS)[number];
  departmentKind?: (typeof DEPARTMENT_KINDS)[number];
  region?: string;
}

function OrganisationDialog({ org, onClose }: { org: Organisation | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? org?.kind;
  const save = useAdminMutation((v: Values) => {
    const region = v.region?.trim() || undefined;
    if (!org) {
      const body: Schemas['CreateOrganisationDto'] = {
        name: v.name.trim(),
        kind: v.kind,
        sector: v.sector,
        ...(v.kind === 'operator' ? { operatorKind: v.operatorKind } : { departmentKind: v.departmentKind }),
        ...(region ? { region } : {}),
      };
      return organisationCalls.create(body);
    }
    return organisationCalls.update(org.id, {
      sector: v.sector,
      ...(org.kind === 'operator' ? { operatorKind: v.operatorKind } : { departmentKind: v.departmentKind }),
      region: region ?? null,
    });
  });
  return (
    <Modal
      open
      title={org ? t('admin.orgs.editTitle', { name: org.name }) : t('admin.orgs.add')}
      okText={t('admin.save')}
      cancelText={t('app.cancel')}
      confirmLoading={save.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          org
            ? {
                name: org.name,
                kind: org.kind,
                sector: org.sector,
                operatorKind: org.operatorKind ?? undefined,
                departmentKind: org.departmentKind ?? undefined,
                region: org.region ?? undefined,
              }
            : { kind: 'operator', sector: 'energy', operatorKind: 'cii', departmentKind: 'protection-department' }
        }
        onFinish={(v) =>
          save.mutate(v, {
            onSuccess: () => {
              void message.success(t('admin.saved'));
              onClose();
            },
          })
        }
      >
        <Form.Item
          label={t('admin.orgs.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('admin.required') }]}
        >
          <Input maxLength={200} disabled={!!org} />
        </Form.Item>
        <Form.Item label={t('admin.orgs.kind')} name="kind">
          <Select
            disabled={!!org}
            options={(['operator', 'department'] as const).map((k) => ({ value: k, label: t(`header.orgKind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('admin.orgs.sector')} name="sector">
          <Select options={SECTORS.map((s) => ({ value: s, label: labelOf(t, 'admin.sector', s) }))} />
        </Form.Item>
        {kind === 'operator' ? (
          <Form.Item
            label={t('admin.orgs.operatorKind')}
            name="operatorKind"
            rules={[{ required: true, message: t('admin.required') }]}
          >
            <Select options={OPERATOR_KINDS.map((k) => ({ value: k, label: labelOf(t, 'admin.operatorKind', k) }))} />
          </Form.Item>
        ) : (
          <Form.Item label={t('admin.orgs.departmentKind')} name="departmentKind">
            <Select
              options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: labelOf(t, 'admin.departmentKind', k) }))}
            />
          </Form.Item>
        )}
        <Form.Item
          label={t('admin.orgs.region')}
          name="region"
          extra={t('admin.orgs.regionHelp')}
          rules={[{ pattern: /^\d{2}$/, message: t('admin.orgs.regionRule') }]}
        >
          <Input maxLength={2} style={{ width: 100 }} />
        </Form.Item>
      </Form>
      {save.error && <Alert type="error" showIcon role="alert" title={describeRefusal(save.error, i18n)} />}
    </Modal>
  );
}
