/**
 * A toxic as the API sees it (Toxiproxy's ToxicWrapper) and the decoding of
 * create/update bodies with Toxiproxy's defaults and checks, in its order:
 * bad body → invalid stream → invalid type → duplicate name → bad attributes.
 */
import { apiErrors } from './api-error.js';
import { asObject, float32, floatField, intField, lookup, parseBody, stringField, type JsonObject } from './json-decode.js';
import { toxicRegistry, type ToxicDefinition } from './toxics/index.js';

/** Stream directions, as Toxiproxy names them. */
export const Direction = { Upstream: 'upstream', Downstream: 'downstream' } as const;
/** upstream = client → server, downstream = server → client. */
export type Direction = (typeof Direction)[keyof typeof Direction];

/** A live toxic on a proxy. `stream` keeps the caller's spelling, as Toxiproxy does. */
export interface Toxic {
  name: string;
  type: string;
  stream: string;
  direction: Direction;
  toxicity: number;
  attributes: Record<string, number>;
  readonly definition: ToxicDefinition;
}

/** The wire shape, in Go's field order. */
export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

/** The API view of a toxic. */
export function toxicJson(t: Toxic): ToxicJson {
  return { attributes: { ...t.attributes }, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
}

/** The Go struct of each toxic type, as the real server names it in decoding errors. */
const GO_STRUCT: Readonly<Record<string, string>> = {
  latency: 'LatencyToxic',
  bandwidth: 'BandwidthToxic',
  slow_close: 'SlowCloseToxic',
  timeout: 'TimeoutToxic',
  reset_peer: 'ResetToxic',
  slicer: 'SlicerToxic',
  limit_data: 'LimitDataToxic',
  noop: 'NoopToxic',
  corrupt: 'CorruptToxic',
};

function parseDirection(stream: string): Direction | undefined {
  const s = stream.toLowerCase();
  return s === 'upstream' ? Direction.Upstream : s === 'downstream' ? Direction.Downstream : undefined;
}

/** Decodes `attributes` over base values: unknown keys ignored, absent/null keep the base. */
function decodeAttributes(def: ToxicDefinition, raw: unknown, base: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name] of def.attributes) out[name] = base[name] ?? 0;
  if (raw === undefined || raw === null) return out;
  const where = `${GO_STRUCT[def.type] ?? def.type}.attributes`;
  const obj = asObject(raw, `toxics.${GO_STRUCT[def.type] ?? def.type}`, `struct field ${where}`);
  for (const [name, kind] of def.attributes) {
    const v = kind === 'int' ? intField(obj, name, where) : floatField(obj, name, where, 'float64');
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Decodes a create body; `exists` says whether a toxic name is taken on the
 * proxy. Toxic types that are squall's extensions (`corrupt`) are "invalid
 * toxic type", as on a real Toxiproxy, unless `extensions` is on.
 */
export function decodeNewToxic(text: string, exists: (name: string) => boolean, extensions = false): Toxic {
  const body: JsonObject = asObject(parseBody(text), 'toxics.ToxicWrapper');
  const where = 'ToxicWrapper';
  const stream = stringField(body, 'stream', where) ?? 'downstream';
  const type = stringField(body, 'type', where) ?? '';
  let name = stringField(body, 'name', where) ?? '';
  const toxicity = floatField(body, 'toxicity', where) ?? 1;
  const direction = parseDirection(stream);
  if (direction === undefined) throw apiErrors.invalidStream();
  if (name === '') name = `${type}_${stream}`;
  const definition = toxicRegistry.get(type);
  if (definition === undefined || (definition.extension === true && !extensions)) throw apiErrors.invalidToxicType();
  if (exists(name)) throw apiErrors.toxicAlreadyExists();
  const attributes = decodeAttributes(definition, lookup(body, 'attributes'), {});
  return { name, type, stream, direction, toxicity, attributes, definition };
}

/** Decodes an update body: only attributes (merged) and toxicity change. */
export function decodeToxicUpdate(text: string, current: Toxic): { attributes: Record<string, number>; toxicity: number } {
  const body = asObject(parseBody(text), 'struct { Attributes interface {}; Toxicity float32 }');
  const attributes = decodeAttributes(current.definition, lookup(body, 'attributes'), current.attributes);
  const toxicity = floatField(body, 'toxicity', 'Toxicity') ?? current.toxicity;
  return { attributes, toxicity: float32(toxicity) };
}
