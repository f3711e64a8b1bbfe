import { Button, Space } from 'antd';
import { useEffect, useState } from 'react';
import { lazyPage } from '../../app/lazy-page';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { offeredEvents, type Incident, type PersonEvent } from './workflow-state';

// The dialogs' code (forms, radios, modals) is not needed to show the page: fetched once it is on screen.
const EventDialog = lazyPage(() => import('./EventDialog'));
/** Events that end or narrow something: their buttons are red. */
const DANGEROUS: ReadonlySet<PersonEvent> = new Set(['DISMISS']);

/**
 * The workflow events the API accepts from this user now (the incident answer's allowedEvents), one button
 * each, and nothing else. Each opens a dialog asking what the event needs; the event goes with the version
 * the page shows, and a refusal (409: a colleague moved the incident on, steps still open) is explained.
 */
export function IncidentEvents({ incident }: { incident: Incident }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<PersonEvent | null>(null);
  const events = offeredEvents(incident);
  useEffect(() => {
    if (events.length) EventDialog.preload();
  }, [events.length]);
  return (
    <>
      {events.length > 0 && (
        <Space wrap data-testid="incident-events" aria-label={t('events.label')} role="group">
          {events.map((e) => (
            <Button
              key={e}
              type={e === 'CONFIRM' || e === 'ADVANCE' ? 'primary' : 'default'}
              danger={DANGEROUS.has(e)}
              onClick={() => setOpen(e)}
            >
              {labelOf(t, 'event', e)}
            </Button>
          ))}
        </Space>
      )}
      {/* Stays open when a live update withdraws the event: sending it then shows why it is refused. */}
      {open && <EventDialog incident={incident} type={open} onClose={() => setOpen(null)} />}
    </>
  );
}
