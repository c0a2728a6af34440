/**
 * The sizes of the frames the simulated network carried to and from the
 * coordinator's host, by message type and direction (`in`: to the
 * coordinator), tallied as each frame is handed to the network (Endpoint
 * send). What the coordinator's `squall_message_bytes_total` counts is judged
 * against it (harness/check/promises-metrics-bytes.ts): per type and
 * direction, bytes / messages lies between the smallest and the largest
 * frame of that type the network carried that way.
 */
/** One type and direction: how many frames, the fewest and the most bytes of one. */
export interface SizeBand {
  n: number;
  min: number;
  max: number;
}

const HEAD = /^\{"v":\d+,"type":"([a-z_]+)"/;

/** The top-level `type` of a JSON frame ('' when it has none or is no JSON object): read off its head when it starts {"v":N,"type":..., as encode() writes it, else parsed. */
function typeOf(text: string): string {
  const m = HEAD.exec(text);
  if (m !== null) return m[1] ?? '';
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' ? (v as { type: string }).type : '';
  } catch {
    return '';
  }
}

/** The tally (see the file comment), keyed `type|direction`. */
export class FrameSizes {
  readonly bands = new Map<string, SizeBand>();

  constructor(private readonly coordinatorHost: string) {}

  /** One frame sent from host `from` to host `to` (ignored unless one of them is the coordinator's). */
  sent(from: string, to: string, text: string, bytes: number): void {
    const direction = to === this.coordinatorHost ? 'in' : from === this.coordinatorHost ? 'out' : undefined;
    if (direction === undefined) return;
    const key = `${typeOf(text)}|${direction}`;
    const b = this.bands.get(key);
    if (b === undefined) this.bands.set(key, { n: 1, min: bytes, max: bytes });
    else {
      b.n++;
      b.min = Math.min(b.min, bytes);
      b.max = Math.max(b.max, bytes);
    }
  }

  /** The bands as a plain record (for a history note). */
  snapshot(): Record<string, SizeBand> {
    return Object.fromEntries([...this.bands].map(([k, b]) => [k, { ...b }]));
  }
}
