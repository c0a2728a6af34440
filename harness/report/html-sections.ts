/**
 * Sections of index.html that make a run trustworthy at a glance: the
 * per-promise table at the top (checked, held, violations with the history
 * around each, like Jepsen's results), the scenario's description and the
 * files beside the report, the per-operation timeline, shard coverage.
 * The promise list is the checker's own (RunResult.promiseCatalog), never a
 * copy kept here; older results fall back to the model's list.
 */
import { escapeHtml as h, fmtMs } from './format.js';
import type { RunResult, Violation } from './model.js';
import { PROMISES } from './model.js';

interface Entry {
  number: number;
  name: string;
  title: string;
}

function catalog(r: RunResult): Entry[] {
  return r.promiseCatalog ?? PROMISES.map((p) => ({ number: p.id, name: p.slug, title: p.title }));
}

const matches = (p: Entry, ref: number | string): boolean => ref === p.number || ref === p.name || String(ref) === String(p.number) || String(ref).toLowerCase() === p.title.toLowerCase();

function violationStory(v: Violation): string {
  const where = [v.scenario && `${String(v.scenario)}`, v.seed !== undefined && `seed ${String(v.seed)}`, v.executionId && `execution ${v.executionId}`, v.workerId && `worker ${v.workerId}`].filter(Boolean).join(' · ');
  const events = v.events && v.events.length > 0 ? `<pre class="events">${h(v.events.join('\n'))}</pre>` : '<p class="muted">no history records attached</p>';
  return `<details class="story"><summary>${h(where === '' ? v.message : `${where}: ${v.message}`)}</summary>${events}</details>`;
}

/** The per-promise table: one row per promise the checker knows, checked or not. */
export function promisesSection(r: RunResult): string {
  if (r.kind === 'bench-reconnect') return '';
  const checked = r.promisesChecked ?? catalog(r).map((p) => p.number);
  const rows = catalog(r).map((p) => {
    const isChecked = checked.some((ref) => matches(p, ref));
    const mine = r.violations.filter((v) => matches(p, v.promise));
    const result = !isChecked ? '<span class="muted">not checked</span>' : mine.length === 0 ? '<span class="pass">held</span>' : `<span class="fail">${mine.length} violation${mine.length === 1 ? '' : 's'}</span>`;
    const stories = mine.slice(0, 5).map(violationStory).join('') + (mine.length > 5 ? `<p class="muted">and ${mine.length - 5} more below</p>` : '');
    return `<tr class="${mine.length > 0 ? 'bad' : ''}" id="promise-${h(p.name)}"><td class="num">${p.number}</td><td><b>${h(p.title)}</b> <span class="muted">${h(p.name)}</span>${stories}</td><td>${isChecked ? 'yes' : '<span class="muted">skipped</span>'}</td><td>${result}</td></tr>`;
  });
  const extra = r.violations.filter((v) => !catalog(r).some((p) => matches(p, v.promise)));
  const extraRows = extra.map((v) => `<tr class="bad"><td class="num">–</td><td><b>${h(String(v.promise))}</b> ${h(v.name)}${violationStory(v)}</td><td>yes</td><td><span class="fail">violation</span></td></tr>`);
  return `<h2 id="promises">Promises</h2><div class="scroll"><table class="promises"><thead><tr><th class="num">#</th><th>promise (violations open to the history records around them)</th><th>checked</th><th>result</th></tr></thead><tbody>${[...rows, ...extraRows].join('')}</tbody></table></div>`;
}

/** The scenario's description and links to the files beside the report. */
export function aboutSection(r: RunResult): string {
  const files = [...(r.files ?? []), { name: 'result.json', title: 'raw data' }, { name: 'junit.xml', title: 'CI results' }, { name: 'summary.md', title: 'Markdown summary' }];
  const desc = r.description !== undefined && r.description !== '' ? `<p class="description">${h(r.description)}</p>` : '';
  return `${desc}<p class="files">Files: ${files.map((f) => `<a href="${h(encodeURI(f.name))}" title="${h(f.title)}">${h(f.name)}</a>`).join(' · ')}</p>`;
}

const OUTCOME_COLOR: Record<string, string> = { completed: '#2da44e', failed: '#cf222e', timeout: '#cf222e', cancelled: '#8c959f' };

/** Each execution as a bar from submission to its end, coloured by outcome; faults and heal behind. */
export function operationsSection(r: RunResult): string {
  const ops = r.operations ?? [];
  if (ops.length === 0) return '';
  const end = Math.max(r.simulatedMs ?? r.wallMs, ...ops.map((o) => o.end ?? 0), ...r.faults.map((f) => f.end));
  const W = 1100, left = 8, right = 8, row = Math.max(2, Math.min(10, Math.floor(420 / ops.length))), top = 6, H = top + ops.length * row + 24;
  const x = (t: number): number => left + ((W - left - right) * t) / Math.max(1, end);
  const parts: string[] = [];
  for (const f of r.faults) parts.push(`<rect x="${x(f.start).toFixed(1)}" y="${top}" width="${Math.max(1, x(f.end) - x(f.start)).toFixed(1)}" height="${ops.length * row}" fill="#ffebe9" opacity="0.7"><title>${h(`${f.action} → ${f.target}`)}</title></rect>`);
  ops.forEach((o, i) => {
    const color = o.end === null ? '#bf8700' : (OUTCOME_COLOR[o.outcome] ?? '#0969da');
    const x2 = x(o.end ?? end);
    parts.push(`<rect x="${x(o.start).toFixed(1)}" y="${top + i * row}" width="${Math.max(1.5, x2 - x(o.start)).toFixed(1)}" height="${Math.max(1, row - 1)}" fill="${color}"><title>${h(`${o.id} ${o.kind}: ${o.outcome}${o.end === null ? ' (never ended)' : ''}, ${o.attempts} attempt(s) on ${o.workers.join(', ') || 'no worker'}, ${fmtMs(o.start)} → ${o.end === null ? '…' : fmtMs(o.end)}`)}</title></rect>`);
  });
  if (r.healAt !== undefined) parts.push(`<line x1="${x(r.healAt).toFixed(1)}" x2="${x(r.healAt).toFixed(1)}" y1="0" y2="${top + ops.length * row}" stroke="#1a7f37" stroke-width="2" stroke-dasharray="4 3"/><text x="${(x(r.healAt) + 4).toFixed(1)}" y="${H - 8}" fill="#1a7f37" font-size="11">heal</text>`);
  parts.push(`<text x="${left}" y="${H - 8}" font-size="11" fill="#57606a">0</text><text x="${W - right}" y="${H - 8}" font-size="11" fill="#57606a" text-anchor="end">${h(fmtMs(end))}</text>`);
  const more = (r.operationsTotal ?? ops.length) > ops.length ? ` The first ${ops.length} of ${r.operationsTotal} executions are drawn.` : '';
  const counts = new Map<string, number>();
  for (const o of ops) counts.set(o.end === null ? 'never ended' : o.outcome, (counts.get(o.end === null ? 'never ended' : o.outcome) ?? 0) + 1);
  const legend = [...counts].map(([k, n]) => `<span class="key" style="background:${k === 'never ended' ? '#bf8700' : (OUTCOME_COLOR[k] ?? '#0969da')}"></span>${h(k)} ${n}`).join(' &nbsp; ');
  return `<h2 id="operations">Operations</h2><figure><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="per-operation timeline">${parts.join('')}</svg><figcaption>Each execution from submission to its terminal status (one row each, by submission time), against the faults (shaded) and the heal (dashed).${more} ${legend}</figcaption></figure>`;
}

/** A merged sweep: the planned runs no shard covered. */
export function coverageSection(r: RunResult): string {
  if (r.plan === undefined) return '';
  const missing = r.uncovered ?? [];
  const shard = r.plan.shard ? ` This result is shard ${r.plan.shard.index} of ${r.plan.shard.count}.` : '';
  const head = `<h2 id="coverage">Coverage</h2><p>${r.sweep?.length ?? 0} of ${r.plan.units.length} planned runs are in this report.${shard}</p>`;
  if (missing.length === 0) return head;
  return `${head}<div class="violation"><div class="t">${missing.length} planned run${missing.length === 1 ? '' : 's'} no shard covered</div><pre>${h(missing.map((u) => `${u.scenario} seed ${u.seed}`).join('\n'))}</pre></div>`;
}

/** Extra CSS for these sections. */
export const SECTION_CSS = `
table.promises tr.bad td { background: #fff8f8; }
details.story { margin: 4px 0 0; } details.story summary { cursor: pointer; color: var(--bad); font-size: 13px; }
details.story pre.events { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 6px 8px; border-radius: 4px; white-space: pre; overflow-x: auto; }
p.description { font-size: 15px; margin: 0 0 6px; } p.files { color: var(--muted); font-size: 13px; margin: 0 0 14px; }
span.key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 8px; vertical-align: middle; }
`;
