// Where each part of the piano roll sits on the canvas (CSS pixels). Pure: unit-tested.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  ruler: Rect;
  gutter: Rect;
  roll: Rect;
  velocity: Rect;
  pedal: Rect;
  tempo: Rect;
}

export const GUTTER_PX = 52;
export const RULER_PX = 20;
const LANE_GAP_PX = 4;

/** Lanes take at most 40% of the height; the roll keeps the rest. */
export function layoutFor(widthPx: number, heightPx: number): Layout {
  const w = Math.max(0, widthPx - GUTTER_PX);
  const avail = Math.max(0, heightPx - RULER_PX);
  const lanes = Math.min(avail * 0.4, 160);
  const unit = lanes / 160;
  const velH = 64 * unit;
  const pedH = 24 * unit;
  const tempoH = 72 * unit - 3 * LANE_GAP_PX * unit;
  const rollH = Math.max(0, avail - lanes);
  let y = RULER_PX;
  const roll = { x: GUTTER_PX, y, w, h: rollH };
  y += rollH + LANE_GAP_PX * unit;
  const velocity = { x: GUTTER_PX, y, w, h: velH };
  y += velH + LANE_GAP_PX * unit;
  const pedal = { x: GUTTER_PX, y, w, h: pedH };
  y += pedH + LANE_GAP_PX * unit;
  const tempo = { x: GUTTER_PX, y, w, h: Math.max(0, tempoH) };
  return { ruler: { x: GUTTER_PX, y: 0, w, h: RULER_PX }, gutter: { x: 0, y: RULER_PX, w: GUTTER_PX, h: rollH }, roll, velocity, pedal, tempo };
}

export const inside = (r: Rect, x: number, y: number): boolean => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;

/** Which region a point falls in (for wheel and clicks). */
export function regionAt(l: Layout, x: number, y: number): keyof Layout | null {
  for (const k of ['roll', 'ruler', 'gutter', 'velocity', 'pedal', 'tempo'] as const) if (inside(l[k], x, y)) return k;
  return null;
}
