import { useId, useMemo } from 'react';
import type { Schemas } from '../../api/client';
import { labelOf } from '../../components/labels';
import { useI18n } from '../../i18n';
import { EDGE_FONT, layoutWorkflow, textWidth, type Box, type StateNode } from './workflow-layout';

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
  // Short names on the arrows (the buttons' full names would crowd the drawing).
  const edgeLabel = (events: Array<string | null>) =>
    events.map((e) => (e === null ? t('workflow.automatic') : labelOf(t, 'wfEvent', e))).join(' / ');
  const layout = useMemo(
    () => layoutWorkflow(workflow.states as StateNode, workflow.transitions, stateLabel, edgeLabel),
    // The labels follow the language; the layout depends on their widths.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [workflow, t],
  );
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
          <Containers box={layout.root} active={active} label={stateLabel} />
          {layout.edges.map((e) => (
            <path
              key={`${e.from}->${e.to}`}
              data-edge={`${e.from}->${e.to}`}
              d={e.d}
              fill="none"
              stroke="#6b7280"
              strokeWidth={1.2}
              strokeDasharray={e.events.every((x) => x === null) ? '4 3' : undefined}
              markerEnd="url(#lf-arrow)"
            />
          ))}
          <Leaves box={layout.root} active={active} label={stateLabel} />
          {layout.edges.map((e) => {
            const text = edgeLabel(e.events);
            const w = textWidth(text, EDGE_FONT) + 6;
            const x = e.back ? e.labelX - w / 2 : e.labelX - 3;
            return (
              <g key={`${e.from}->${e.to}`}>
                <rect x={x} y={e.labelY - 10} width={w} height={13} fill="#fff" opacity={0.85} rx={2} />
                <text
                  x={e.labelX}
                  y={e.labelY}
                  textAnchor={e.back ? 'middle' : 'start'}
                  fill="#374151"
                  style={{ fontSize: EDGE_FONT }}
                >
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

type BoxProps = { box: Box; active: ReadonlySet<string>; label: (n: Pick<StateNode, 'key' | 'id'>) => string };

/** Compound and parallel states (and regions): frames with their names, children inside. */
function Containers({ box, active, label }: BoxProps) {
  if (box.children.length === 0) return null;
  const on = active.has(box.id);
  return (
    <g data-state-id={box.id} data-active={on}>
      <rect
        x={box.x}
        y={box.y}
        width={box.w}
        height={box.h}
        rx={6}
        fill={on ? ACTIVE_FILL : box.region ? 'transparent' : '#f9fafb'}
        stroke={on ? ACTIVE : '#9ca3af'}
        strokeWidth={on ? 2.5 : 1}
        strokeDasharray={box.region ? '5 4' : undefined}
      />
      <text x={box.x + 10} y={box.y + 16} fill="#111827" fontWeight={on ? 600 : 400}>
        {label(box)}
      </text>
      {box.children.map((c) => (
        <Containers key={c.id} box={c} active={active} label={label} />
      ))}
    </g>
  );
}

/** Atomic and final states: filled pills (a final one with a double border), the current ones in blue. */
function Leaves({ box, active, label }: BoxProps) {
  if (box.children.length > 0) {
    return (
      <>
        {box.children.map((c) => (
          <Leaves key={c.id} box={c} active={active} label={label} />
        ))}
      </>
    );
  }
  const on = active.has(box.id);
  return (
    <g data-state-id={box.id} data-active={on}>
      <rect
        x={box.x}
        y={box.y}
        width={box.w}
        height={box.h}
        rx={16}
        fill={on ? ACTIVE : '#fff'}
        stroke={on ? ACTIVE : '#9ca3af'}
        strokeWidth={on ? 2.5 : 1}
      />
      {box.type === 'final' && (
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
        x={box.x + box.w / 2}
        y={box.y + box.h / 2 + 4}
        textAnchor="middle"
        fill={on ? '#fff' : '#111827'}
        fontWeight={on ? 600 : 400}
      >
        {label(box)}
      </text>
    </g>
  );
}
