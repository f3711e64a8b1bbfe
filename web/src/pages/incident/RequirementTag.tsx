import { Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { describeError } from '../../api/client';
import { useI18n } from '../../i18n';
import { useRequirement } from './incident-api';

/**
 * A requirement clause a step, state or transition cites: its id, and on hover or focus its title and our
 * summary of it (GET /api/v1/requirements/{id}, fetched on first hover and kept for the page's life).
 */
export function RequirementTag({ id }: { id: string }) {
  const { t, pick } = useI18n();
  const [open, setOpen] = useState(false);
  const requirement = useRequirement(id, open);
  const r = requirement.data;
  const body = requirement.error ? (
    describeError(requirement.error, t)
  ) : r ? (
    <div data-testid="requirement-text" style={{ maxWidth: 420 }}>
      <div style={{ fontWeight: 600 }}>{pick(r.title)}</div>
      <div style={{ opacity: 0.85, marginBottom: 4 }}>
        {pick({ zh: r.document.title.zh, en: r.document.title.en })} · {r.clause}
      </div>
      <div>{pick(r.summary)}</div>
      {r.confidence === 'unverified' && <div style={{ marginTop: 4 }}>{t('requirement.unverified')}</div>}
    </div>
  ) : (
    t('app.loading')
  );
  return (
    <Tooltip title={body} onOpenChange={setOpen} mouseEnterDelay={0.15}>
      <Tag tabIndex={0} data-testid="requirement" data-requirement={id} style={{ cursor: 'help' }}>
        {id}
      </Tag>
    </Tooltip>
  );
}
