/**
 * Maps the engine empties often (per claim, per ending, per submission), kept out of the old
 * generation's garbage (issue 12, what survives the scavenges). V8 allocates
 * the resized table of a Map whose table is in the old generation there too
 * (OrderedHashTable::Rehash), and deleting a Map's last entry shrinks (and so
 * reallocates) its table: a long-lived map emptied once per task left a
 * 152 B table per task for the mark-compact. A new Map instead lives, and
 * resizes, in the young generation until it has survived two scavenges.
 */

/** `map` without `key`: a new empty Map when `key` was its only entry, else `map` after delete. */
export function withoutKey<K, V>(map: Map<K, V>, key: K): Map<K, V> {
  if (map.size === 1 && map.has(key)) return new Map<K, V>();
  map.delete(key);
  return map;
}
