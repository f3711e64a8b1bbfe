import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Select, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { describeError } from '../../api/client';
import { useSignedInSession } from '../../api/session';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { isPlatformAdmin, useAdminOrg, useOrganisations } from './admin-api';

/** A secret the API shows once (a token, an enrolment code): shown here once, to copy, with that said plainly. */
export function ShownOnce({
  title,
  secret,
  note,
  onClose,
}: {
  title: string;
  secret: string;
  note?: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open
      title={title}
      onOk={onClose}
      onCancel={onClose}
      okText={t('admin.done')}
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon title={t('admin.shownOnce')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable={{ text: secret }} data-testid="shown-once">
        <code className="lf-code">{secret}</code>
      </Typography.Paragraph>
      {note && <Typography.Paragraph type="secondary">{note}</Typography.Paragraph>}
    </Modal>
  );
}

/** The organisation picker of a platform admin (others administer their own organisation only). */
export function OrgPicker() {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const { orgId, setOrgId } = useAdminOrg();
  const orgs = useOrganisations();
  if (!isPlatformAdmin(user)) return null;
  return (
    <Select
      aria-label={t('admin.organisation')}
      data-testid="org-picker"
      style={{ minWidth: 280 }}
      showSearch
      optionFilterProp="label"
      value={orgId}
      loading={orgs.isPending}
      onChange={setOrgId}
      options={(orgs.data ?? []).map((o) => ({
        value: o.id,
        label: `${o.name} · ${labelOf(t, 'header.orgKind', o.kind)}`,
      }))}
    />
  );
}

/** The organisation shown (its kind decides the roles offered). */
export function useShownOrg() {
  const { user } = useSignedInSession();
  const { orgId } = useAdminOrg();
  const orgs = useOrganisations();
  const org = orgs.data?.find((o) => o.id === orgId);
  return {
    orgId,
    org,
    kind: org?.kind ?? (orgId === user.orgId ? user.orgKind : undefined),
  };
}

/**
 * A list tab's frame: its add button on the right, the list's load error, then the list (and its
 * dialogs) given as children. The recipients, subscriptions and organisations tabs share it.
 */
export function AdminList({
  addLabel,
  onAdd,
  error,
  children,
}: {
  addLabel: string;
  onAdd: () => void;
  error: Error | null;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={onAdd}>
          {addLabel}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={describeError(error, t)} />}
      {children}
    </Space>
  );
}
