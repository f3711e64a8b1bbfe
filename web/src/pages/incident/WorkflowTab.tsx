import { Alert, Card, Typography } from 'antd';
import { useMemo } from 'react';
import { describeError } from '../../api/client';
import { lazyPage } from '../../app/lazy-page';
import { PageLoading } from '../../components/PageLoading';
import { useI18n } from '../../i18n';
import { useWorkflow } from './incident-api';
import { activeStateIds, type Incident } from './workflow-state';

// The drawing is code only this tab needs: its own chunk.
const WorkflowDiagram = lazyPage(() => import('./WorkflowDiagram'));

/** The incident's workflow version as a diagram, with the states it is in now highlighted. */
export function WorkflowTab({ incident }: { incident: Incident }) {
  const { t } = useI18n();
  const workflow = useWorkflow(incident.workflow.id, incident.workflow.version);
  const rootId = workflow.data?.states.id ?? incident.workflow.id;
  const active = useMemo(() => activeStateIds(rootId, incident.stateValue), [rootId, incident.stateValue]);
  return (
    <Card>
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 0 }}>
        {t('workflow.title', { id: incident.workflow.id, version: incident.workflow.version })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('workflow.intro')}</Typography.Paragraph>
      {workflow.error && <Alert type="error" showIcon title={describeError(workflow.error, t)} />}
      {workflow.isPending ? (
        <PageLoading />
      ) : (
        workflow.data && <WorkflowDiagram workflow={workflow.data} active={active} />
      )}
    </Card>
  );
}
