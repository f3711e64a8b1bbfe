import { CheckCircleFilled, ClockCircleOutlined } from '@ant-design/icons';
import { Button, Card, Space, Tag } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useSignedInSession } from '../../api/session';
import { lazyPage } from '../../app/lazy-page';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { RequirementTag } from './RequirementTag';
import { currentPhase, mayComplete, mayReopen, stepsByPhase, type Incident, type Step } from './workflow-state';

// The dialogs' code is fetched once the checklist is on screen, not before it can show.
const StepDialog = lazyPage(() => import('./StepDialogs'));

/**
 * The guided steps as a checklist per phase: who may complete each, the mandatory ones marked, the clauses
 * each cites (hover for the text); `完成` with a note and evidence references where this user may complete
 * the step now, `重新打开` where they may reopen it. Nothing else is offered.
 */
export function StepsTab({ incident }: { incident: Incident }) {
  const { t } = useI18n();
  const { user } = useSignedInSession();
  const phase = currentPhase(incident.stateValue);
  const [completing, setCompleting] = useState<Step | null>(null);
  const [reopening, setReopening] = useState<Step | null>(null);
  const actionable = incident.steps.some((s) => mayComplete(s, user.role, phase) || mayReopen(s, user.role, phase));
  useEffect(() => {
    if (actionable) StepDialog.preload();
  }, [actionable]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="steps">
      {stepsByPhase(incident.steps).map((group) => {
        const done = group.steps.filter((s) => s.status === 'done').length;
        return (
          <Card
            key={group.phase}
            size="small"
            data-testid={`phase-${group.phase}`}
            title={
              <h2 style={{ fontSize: 16, margin: 0 }}>
                {labelOf(t, 'phase', group.phase)}{' '}
                <span className="lf-muted" style={{ fontSize: 13, fontWeight: 400 }}>
                  {t('steps.progress', { done, total: group.steps.length })}
                </span>
                {group.phase === phase && (
                  <Tag color="blue" style={{ marginLeft: 8 }}>
                    {t('steps.currentPhase')}
                  </Tag>
                )}
              </h2>
            }
          >
            <ul className="lf-steps">
              {group.steps.map((step) => (
                <StepRow
                  key={step.id}
                  step={step}
                  me={user.id}
                  canComplete={mayComplete(step, user.role, phase)}
                  canReopen={mayReopen(step, user.role, phase)}
                  onComplete={() => setCompleting(step)}
                  onReopen={() => setReopening(step)}
                />
              ))}
            </ul>
          </Card>
        );
      })}
      {completing && (
        <StepDialog incident={incident} step={completing} kind="complete" onClose={() => setCompleting(null)} />
      )}
      {reopening && (
        <StepDialog incident={incident} step={reopening} kind="reopen" onClose={() => setReopening(null)} />
      )}
    </Space>
  );
}

function StepRow(props: {
  step: Step;
  me: string;
  canComplete: boolean;
  canReopen: boolean;
  onComplete: () => void;
  onReopen: () => void;
}) {
  const { t, pick } = useI18n();
  const { step } = props;
  const done = step.status === 'done';
  const titleId = `step-${step.id}-title`;
  return (
    <li
      className="lf-step"
      data-testid="step"
      data-step-id={step.id}
      data-status={step.status}
      aria-labelledby={titleId}
    >
      <div className="lf-step-mark" aria-hidden>
        {done ? (
          <CheckCircleFilled style={{ color: '#15803d' }} />
        ) : (
          <ClockCircleOutlined style={{ color: '#6b7280' }} />
        )}
      </div>
      <div className="lf-step-body">
        <div className="lf-step-head">
          <h3 id={titleId} className="lf-step-title">
            {pick(step.title)}
          </h3>
          <Tag color={done ? 'green' : 'default'} data-testid="step-status">
            {done ? t('steps.done') : t('steps.open')}
          </Tag>
          {step.mandatory && (
            <Tag color="red" data-testid="step-mandatory">
              {t('steps.mandatory')}
            </Tag>
          )}
          <span className="lf-step-actions">
            {props.canComplete && (
              <Button type="primary" size="small" onClick={props.onComplete}>
                {t('steps.complete')}
              </Button>
            )}
            {props.canReopen && (
              <Button size="small" onClick={props.onReopen}>
                {t('steps.reopen')}
              </Button>
            )}
          </span>
        </div>
        {/* Plain elements, not antd's Typography: a checklist has dozens of them and each would measure itself. */}
        {step.guidance && <p className="lf-muted lf-step-guidance">{pick(step.guidance)}</p>}
        <div className="lf-step-meta">
          <span>
            {t('steps.roles')}
            {step.roles.map((r) => labelOf(t, 'role', r)).join(t('list.sep'))}
          </span>
          {step.requirements.length > 0 && (
            <span>
              {t('steps.requirements')}
              {step.requirements.map((id) => (
                <RequirementTag key={id} id={id} />
              ))}
            </span>
          )}
        </div>
        {!done && step.expectedEvidence && step.expectedEvidence.length > 0 && (
          <div className="lf-step-meta">
            {t('steps.expectedEvidence')}
            {step.expectedEvidence.map((e) => pick(e.description)).join(t('list.sep'))}
          </div>
        )}
        {done && (
          <div className="lf-step-done" data-testid="step-completion">
            <div>
              {t('steps.completedBy', {
                who: step.completedBy === props.me ? t('people.me') : shortId(step.completedBy),
                at: step.completedAt ? dayjs(step.completedAt).format('YYYY-MM-DD HH:mm:ss') : '—',
              })}
            </div>
            {step.note && (
              <div>
                {t('steps.note')}
                {step.note}
              </div>
            )}
            {step.evidence && step.evidence.length > 0 && (
              <div>
                {t('steps.evidence')}
                {step.evidence.map((e) => (
                  <Tag key={e} className="lf-evidence">
                    {e}
                  </Tag>
                ))}
              </div>
            )}
          </div>
        )}
      </div>
    </li>
  );
}

/** People are named by their id until the API names them; the first block is enough to tell them apart. */
export function shortId(id: string | undefined): string {
  if (!id) return '—';
  return id.startsWith('system:') ? id : id.slice(0, 8);
}
