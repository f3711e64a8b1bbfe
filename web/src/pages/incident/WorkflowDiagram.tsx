import { useId, useMemo } from 'react';
import type { Schemas } from '../../api/client';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { layoutWorkflow, textWidth, type Box, type StateNode } from './workflow-layout';

type Workflow = Schemas['WorkflowDescriptionView'];

const ACTIVE = '#1d4ed8';
const ACTIVE_FILL = '#dbeafe';

/**
 * The workflow drawn as SVG (its own chunk, loaded with the workflow tab): states nested as the machine nests
 * them, transitions as arrows labelled with their events, and the incident's current states highlighted.
 */
export default function WorkflowDiagram({ workflow, active }: { workflow: Workflow; active: ReadonlySet<string> }) {
  const { t } = useI18n();
  const titleId = useId();
  const stateLabel = (n: Pick<StateNode, 'key' | 'id'>) =>
    n.id === workflow.states.id ? labelOf(t, 'workflow', workflow.id) : labelOf(t, 'wfState', n.key);
  const layout = useMemo(
    () => layoutWorkflow(workflow.states as StateNode, workflow.transitions, stateLabel),
    // The labels follow the language; the layout depends on their widths.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [workflow, t],
  );
  const eventLabel = (e: string | null) => (e === null ? t('workflow.automatic') : labelOf(t, 'event', e));
  const leaves = [...active].filter((id) => !hasChild(id, active));
  const summary = leaves
    .map((id) =>
      id
        .split('.')
        .slice(1)
        .map((key) => labelOf(t, 'wfState', key))
        .join(' › '),
    )
    .join(t('list.sep'));
  const margin = 8;

  return (
    <figure style={{ margin: 0 }}>
      <figcaption id={titleId} data-testid="workflow-current">
        {t('workflow.current', { states: summary })}
      </figcaption>
      <div className="lf-diagram-scroll" tabIndex={0} role="region" aria-labelledby={titleId}>
        <svg
          data-testid="workflow-diagram"
          role="img"
          aria-labelledby={titleId}
          width={layout.width + 2 * margin}
          height={layout.height + 2 * margin}
          viewBox={`${-margin} ${-margin} ${layout.width + 2 * margin} ${layout.height + 2 * margin}`}
          style={{ fontSize: 12, fontFamily: 'inherit' }}
        >
          <defs>
            <marker id="lf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
              <path d="M0,0 L10,5 L0,10 z" fill="#6b7280" />
            </marker>
          </defs>
          <StateBox box={layout.root} active={active} label={stateLabel} />
          {layout.edges.map((e) => {
            const text = e.events.map(eventLabel).join(' / ');
            const w = textWidth(text, 11) + 6;
            return (
              <g key={`${e.from}->${e.to}`} data-edge={`${e.from}->${e.to}`}>
                <path
                  d={e.d}
                  fill="none"
                  stroke="#6b7280"
                  strokeWidth={1.2}
                  strokeDasharray={e.events.every((x) => x === null) ? '4 3' : undefined}
                  markerEnd="url(#lf-arrow)"
                />
                <rect x={e.labelX - w / 2} y={e.labelY - 10} width={w} height={13} fill="#fff" opacity={0.85} rx={2} />
                <text x={e.labelX} y={e.labelY} textAnchor="middle" fill="#374151" style={{ fontSize: 11 }}>
                  {text}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}

function hasChild(id: string, active: ReadonlySet<string>): boolean {
  for (const other of active) if (other.startsWith(`${id}.`)) return true;
  return false;
}

function StateBox({
  box,
  active,
  label,
}: {
  box: Box;
  active: ReadonlySet<string>;
  label: (n: Pick<StateNode, 'key' | 'id'>) => string;
}) {
  const on = active.has(box.id);
  const leaf = box.children.length === 0;
  const final = box.type === 'final';
  return (
    <g data-state-id={box.id} data-active={on}>
      <rect
        x={box.x}
        y={box.y}
        width={box.w}
        height={box.h}
        rx={leaf ? 16 : 6}
        fill={leaf ? (on ? ACTIVE : '#fff') : on ? ACTIVE_FILL : box.region ? 'transparent' : '#f9fafb'}
        stroke={on ? ACTIVE : '#9ca3af'}
        strokeWidth={on ? 2.5 : 1}
        strokeDasharray={box.region ? '5 4' : undefined}
      />
      {final && leaf && (
        <rect
          x={box.x + 3}
          y={box.y + 3}
          width={box.w - 6}
          height={box.h - 6}
          rx={13}
          fill="none"
          stroke={on ? '#fff' : '#9ca3af'}
        />
      )}
      <text
        x={leaf ? box.x + box.w / 2 : box.x + 10}
        y={leaf ? box.y + box.h / 2 + 4 : box.y + 16}
        textAnchor={leaf ? 'middle' : 'start'}
        fill={leaf && on ? '#fff' : '#111827'}
        fontWeight={on ? 600 : 400}
      >
        {label(box)}
      </text>
      {box.children.map((c) => (
        <StateBox key={c.id} box={c} active={active} label={label} />
      ))}
    </g>
  );
}
