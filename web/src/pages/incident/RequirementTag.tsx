import { useId, useState } from 'react';
import { describeError } from '../../api/client';
import { useI18n } from '../../i18n';
import { useRequirement } from './incident-api';

/**
 * A requirement clause a step, state or transition cites: its id, and on hover or keyboard focus its title
 * and our summary of it (GET /api/v1/requirements/{id}, fetched on first hover and kept for the page's life).
 * A small tooltip of its own rather than antd's: a checklist shows dozens of these, and only the one pointed
 * at needs any machinery. Escape hides it (WCAG 1.4.13).
 */
export function RequirementTag({ id }: { id: string }) {
  const { t, pick } = useI18n();
  const tipId = useId();
  const [open, setOpen] = useState(false);
  const [asked, setAsked] = useState(false);
  const requirement = useRequirement(id, asked);
  const show = () => {
    setAsked(true);
    setOpen(true);
  };
  const r = requirement.data;
  return (
    <span
      className="lf-req"
      onMouseEnter={show}
      onMouseLeave={() => setOpen(false)}
      onFocus={show}
      onBlur={() => setOpen(false)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <span
        className="lf-req-tag"
        tabIndex={0}
        data-testid="requirement"
        data-requirement={id}
        aria-describedby={open ? tipId : undefined}
      >
        {id}
      </span>
      {open && (
        <span role="tooltip" id={tipId} className="lf-req-tip">
          {requirement.error ? (
            describeError(requirement.error, t)
          ) : r ? (
            <span data-testid="requirement-text">
              <strong>{pick(r.title)}</strong>
              <span className="lf-req-source">
                {pick(r.document.title)} · {r.clause}
              </span>
              <span>{pick(r.summary)}</span>
              {r.confidence === 'unverified' && <span className="lf-req-source">{t('requirement.unverified')}</span>}
            </span>
          ) : (
            t('app.loading')
          )}
        </span>
      )}
    </span>
  );
}
