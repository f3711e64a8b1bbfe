/**
 * A layered layout of a hierarchical state machine (GET /api/v1/workflows/{id}) for an SVG drawing, without a
 * graph library: every compound state lays its children out left to right in layers (longest path from its
 * initial child, back edges ignored), a parallel state stacks its regions, and each transition is drawn
 * between the two siblings that contain its source and target under their closest common ancestor. The
 * machines are small (a few dozen states), so this is cheap and keeps the console's bundle lean.
 */

export interface StateNode {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial: string | null;
  states: StateNode[];
}

export interface Transition {
  source: string;
  event: string | null;
  targets: string[];
}

export interface Box {
  id: string;
  key: string;
  type: StateNode['type'];
  /** Absolute position of the box's top-left corner and its size. */
  x: number;
  y: number;
  w: number;
  h: number;
  children: Box[];
  /** A region of a parallel state (drawn as a dashed lane), or the state itself. */
  region: boolean;
}

export interface Edge {
  from: string;
  to: string;
  /** Event types, null for an eventless transition (taken as soon as its guard holds). */
  events: Array<string | null>;
  /** Path in absolute coordinates (SVG `d`), and where its label goes. */
  d: string;
  labelX: number;
  labelY: number;
  /** Goes back to an earlier layer (or within one): drawn as an arc under the boxes. */
  back: boolean;
}

export interface Layout {
  root: Box;
  edges: Edge[];
  width: number;
  height: number;
}

const PAD = 12;
const HEADER = 22;
const COL_GAP = 56;
const ROW_GAP = 16;
const LEAF_H = 32;
const FONT = 12;
export const EDGE_FONT = 11;

/** Text width in px at `size`: CJK characters are about square, the rest about 0.6 em. */
export function textWidth(text: string, size = FONT): number {
  let w = 0;
  for (const ch of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? size : size * 0.62;
  return Math.ceil(w);
}

interface Sized {
  node: StateNode;
  w: number;
  h: number;
  children: Sized[];
  /** Child positions relative to this box. */
  at: Array<{ x: number; y: number }>;
  region: boolean;
}

/** For each node id, its parent id. */
function parents(root: StateNode): Map<string, string | null> {
  const out = new Map<string, string | null>([[root.id, null]]);
  const walk = (n: StateNode) => {
    for (const c of n.states) {
      out.set(c.id, n.id);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function ancestry(id: string, parentOf: Map<string, string | null>): string[] {
  const chain: string[] = [];
  for (let cur: string | null | undefined = id; cur; cur = parentOf.get(cur)) chain.unshift(cur);
  return chain;
}

/**
 * The two siblings a transition runs between: the children of the closest common ancestor of source and
 * target that contain each. None when one contains the other (a transition into a descendant or out of a
 * state to itself) — those are not drawn.
 */
export function liftEdge(
  source: string,
  target: string,
  parentOf: Map<string, string | null>,
): { parent: string; from: string; to: string } | null {
  const a = ancestry(source, parentOf);
  const b = ancestry(target, parentOf);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === 0 || i >= a.length || i >= b.length) return null;
  return { parent: a[i - 1]!, from: a[i]!, to: b[i]! };
}

/** Sibling edges per parent id, merged by (from, to). */
function siblingEdges(root: StateNode, transitions: readonly Transition[]) {
  const parentOf = parents(root);
  const byParent = new Map<string, Map<string, { from: string; to: string; events: Array<string | null> }>>();
  for (const tr of transitions) {
    for (const target of tr.targets) {
      const lifted = liftEdge(tr.source, target, parentOf);
      if (!lifted) continue;
      let edges = byParent.get(lifted.parent);
      if (!edges) byParent.set(lifted.parent, (edges = new Map()));
      const key = `${lifted.from}->${lifted.to}`;
      const e = edges.get(key) ?? { from: lifted.from, to: lifted.to, events: [] };
      if (!e.events.includes(tr.event)) e.events.push(tr.event);
      edges.set(key, e);
    }
  }
  return byParent;
}

/** Layer of each child: longest forward path from the initial child, in DFS order; back edges ignored. */
function layers(node: StateNode, edges: Array<{ from: string; to: string }>): Map<string, number> {
  const ids = node.states.map((s) => s.id);
  const initial = node.states.find((s) => s.key === node.initial)?.id;
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) out.get(e.from)?.push(e.to);
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const forward: Array<[string, string]> = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const next of out.get(id) ?? []) {
      const s = state.get(next);
      if (s === 'open') continue; // back edge
      forward.push([id, next]);
      if (!s) visit(next);
    }
    state.set(id, 'done');
    order.unshift(id);
  };
  for (const id of [...(initial ? [initial] : []), ...ids]) if (!state.has(id)) visit(id);
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  // `order` is a topological order of the forward edges.
  for (const id of order) {
    for (const [from, to] of forward) if (from === id) layer.set(to, Math.max(layer.get(to)!, layer.get(id)! + 1));
  }
  return layer;
}

type SiblingEdges = Map<string, Map<string, { from: string; to: string; events: Array<string | null> }>>;

function size(
  node: StateNode,
  label: (n: StateNode) => string,
  edgesOf: SiblingEdges,
  labelWidth: (events: Array<string | null>) => number,
  region = false,
): Sized {
  const title = textWidth(label(node)) + 2 * PAD;
  if (node.states.length === 0) return { node, w: Math.max(title, 72), h: LEAF_H, children: [], at: [], region };
  if (node.type === 'parallel') {
    const children = node.states.map((c) => size(c, label, edgesOf, labelWidth, true));
    const w = Math.max(title, ...children.map((c) => c.w)) + 2 * PAD;
    const at: Array<{ x: number; y: number }> = [];
    let y = HEADER + PAD;
    for (const c of children) {
      at.push({ x: PAD, y });
      y += c.h + ROW_GAP;
    }
    // Regions share the parallel state's width.
    for (const c of children) c.w = w - 2 * PAD;
    return { node, w, h: y - ROW_GAP + PAD, children, at, region };
  }
  const children = node.states.map((c) => size(c, label, edgesOf, labelWidth));
  const siblings = [...(edgesOf.get(node.id)?.values() ?? [])];
  const layer = layers(node, siblings);
  const columns: Sized[][] = [];
  for (const c of children) (columns[layer.get(c.node.id)!] ??= []).push(c);
  const at = new Map<string, { x: number; y: number }>();
  let x = PAD;
  let height = 0;
  let lastGap = COL_GAP;
  for (const column of columns.filter(Boolean)) {
    const colW = Math.max(...column.map((c) => c.w));
    // The gap after a column holds the labels of the arrows leaving it forwards (drawn beside their source).
    const ids = new Set(column.map((c) => c.node.id));
    const labels = siblings
      .filter((e) => ids.has(e.from) && layer.get(e.to)! > layer.get(e.from)!)
      .map((e) => labelWidth(e.events) + 20);
    const gap = Math.max(COL_GAP, ...labels);
    let y = HEADER + PAD;
    for (const c of column) {
      // Left-aligned: an arrow coming down the gap before a column meets each of its states.
      at.set(c.node.id, { x, y });
      y += c.h + ROW_GAP;
    }
    height = Math.max(height, y - ROW_GAP);
    x += colW + gap;
    lastGap = gap;
  }
  const w = Math.max(title, x - lastGap + PAD);
  return {
    node,
    w,
    // Room under the boxes for arcs of back edges.
    h: height + PAD + 18,
    children,
    at: children.map((c) => at.get(c.node.id)!),
    region,
  };
}

function place(s: Sized, x: number, y: number): Box {
  return {
    id: s.node.id,
    key: s.node.key,
    type: s.node.type,
    x,
    y,
    w: s.w,
    h: s.h,
    region: s.region,
    children: s.children.map((c, i) => place(c, x + s.at[i]!.x, y + s.at[i]!.y)),
  };
}

function index(box: Box, out = new Map<string, Box>()): Map<string, Box> {
  out.set(box.id, box);
  for (const c of box.children) index(c, out);
  return out;
}

export function layoutWorkflow(
  root: StateNode,
  transitions: readonly Transition[],
  label: (n: StateNode) => string,
  edgeLabel: (events: Array<string | null>) => string,
): Layout {
  const edgesOf = siblingEdges(root, transitions);
  const sized = size(root, label, edgesOf, (events) => textWidth(edgeLabel(events), EDGE_FONT));
  const box = place(sized, 0, 0);
  const boxes = index(box);
  const edges: Edge[] = [];
  for (const [parentId, list] of edgesOf) {
    const parent = boxes.get(parentId);
    if (!parent || parent.type === 'parallel') continue;
    const all = [...list.values()].filter((e) => boxes.has(e.from) && boxes.has(e.to) && e.from !== e.to);
    for (const e of all) {
      const a = boxes.get(e.from)!;
      const b = boxes.get(e.to)!;
      const back = b.x <= a.x;
      let d: string;
      let labelX: number;
      let labelY: number;
      if (!back) {
        // Labels of one source's forward arrows sit beside it, spread around its middle, in the gap after it.
        const mine = all.filter((x) => x.from === e.from && boxes.get(x.to)!.x > a.x);
        const k = mine.indexOf(e) - (mine.length - 1) / 2;
        const x1 = a.x + a.w;
        const y1 = a.y + Math.min(a.h, LEAF_H) / 2;
        const x2 = b.x;
        const y2 = b.y + Math.min(b.h, LEAF_H) / 2;
        if (Math.abs(y2 - y1) <= 24) {
          const mid = (x1 + x2) / 2;
          d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
        } else {
          // Far below or above: along the source's row, then down (or up) the gap just before the target.
          const xv = x2 - 12;
          const dy = y2 > y1 ? 6 : -6;
          d = `M${x1},${y1} H${xv - 6} Q${xv},${y1} ${xv},${y1 + dy} V${y2 - dy} Q${xv},${y2} ${xv + 6},${y2} H${x2}`;
        }
        labelX = x1 + 6;
        labelY = y1 - 4 + k * 13;
      } else {
        const x1 = a.x + a.w / 2;
        const y1 = a.y + a.h;
        const x2 = b.x + b.w / 2;
        const y2 = b.y + b.h;
        const low = Math.max(y1, y2) + 14;
        d = `M${x1},${y1} C${x1},${low} ${x2},${low} ${x2},${y2}`;
        labelX = (x1 + x2) / 2;
        labelY = low + 2;
      }
      edges.push({ from: e.from, to: e.to, events: e.events, d, labelX, labelY, back });
    }
  }
  return { root: box, edges, width: box.w, height: box.h };
}
