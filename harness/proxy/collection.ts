/**
 * All proxies of one server (Toxiproxy's ProxyCollection) and the operations
 * the API maps onto: create, populate, update, delete, reset. Decoding and
 * status codes follow Toxiproxy 2.x; the HTTP layer only routes.
 */
import type { Clock, Logger, Random } from '../../system/core/index.js';
import { apiErrors, toApiError, type ApiError } from './api-error.js';
import { asObject, boolField, parseBody, stringField } from './json-decode.js';
import type { ProxyMetrics } from './metrics.js';
import { Proxy, type ProxyJson } from './proxy.js';
import { decodeNewToxic, decodeToxicUpdate, toxicJson, type ToxicJson } from './toxic-spec.js';

/** What /populate reports: the proxies it applied, and the error that stopped it. */
export interface PopulateResult {
  proxies: ProxyJson[] | null;
  error?: ApiError;
}

/** The proxies of one server, by name. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  /** Listener changes run one at a time (Toxiproxy holds its collection/proxy locks for them). */
  private queue: Promise<unknown> = Promise.resolve();

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `extensions`: accept squall's own toxic types (corrupt); off, the API refuses them like a real Toxiproxy. */
  constructor(private readonly deps: { clock: Clock; logger: Logger; random: Random; extensions?: boolean; metrics?: ProxyMetrics }) {}

  /** All proxies keyed by name, sorted like Go's map marshalling. */
  index(): Record<string, ProxyJson> {
    const out: Record<string, ProxyJson> = {};
    for (const name of [...this.proxies.keys()].sort()) out[name] = (this.proxies.get(name) as Proxy).toJSON();
    return out;
  }

  get(name: string): Proxy {
    const p = this.proxies.get(name);
    if (p === undefined) throw apiErrors.proxyNotFound();
    return p;
  }

  /** POST /proxies. */
  create(text: string): Promise<ProxyJson> {
    return this.serial(() => this.createNow(text));
  }

  private async createNow(text: string): Promise<ProxyJson> {
    const body = asObject(parseBody(text), 'toxiproxy.Proxy');
    const name = stringField(body, 'name', 'Proxy') ?? '';
    const listen = stringField(body, 'listen', 'Proxy') ?? '';
    const upstream = stringField(body, 'upstream', 'Proxy') ?? '';
    const enabled = boolField(body, 'enabled', 'Proxy') ?? true;
    if (name.length < 1) throw apiErrors.missingField('name');
    if (upstream.length < 1) throw apiErrors.missingField('upstream');
    if (this.proxies.has(name)) throw apiErrors.proxyAlreadyExists();
    const proxy = new Proxy(name, listen, upstream, this.deps);
    if (enabled) await proxy.start();
    this.proxies.set(name, proxy);
    return proxy.toJSON();
  }

  /** POST /populate: validates all, then adds or replaces in order; stops at the first failure. */
  populate(text: string): Promise<PopulateResult> {
    return this.serial(() => this.populateNow(text));
  }

  private async populateNow(text: string): Promise<PopulateResult> {
    let input: unknown;
    try {
      input = parseBody(text);
    } catch (err) {
      return { proxies: null, error: toApiError(err) };
    }
    if (!Array.isArray(input)) {
      return { proxies: null, error: apiErrors.badRequestBody(`json: cannot unmarshal ${input === null ? 'null' : typeof input} into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }`) };
    }
    const specs: { name: string; listen: string; upstream: string; enabled: boolean }[] = [];
    try {
      input.forEach((raw, i) => {
        const obj = asObject(raw, 'struct { toxiproxy.Proxy; Enabled *bool }');
        const name = stringField(obj, 'name', 'Proxy') ?? '';
        const upstream = stringField(obj, 'upstream', 'Proxy') ?? '';
        if (name.length < 1) throw apiErrors.missingField(`name at proxy ${i + 1}`);
        if (upstream.length < 1) throw apiErrors.missingField(`upstream at proxy ${i + 1}`);
        specs.push({ name, upstream, listen: stringField(obj, 'listen', 'Proxy') ?? '', enabled: boolField(obj, 'enabled', 'Proxy') ?? true });
      });
    } catch (err) {
      return { proxies: null, error: toApiError(err) };
    }
    const done: ProxyJson[] = [];
    for (const s of specs) {
      try {
        done.push(await this.addOrReplace(s));
      } catch (err) {
        return { proxies: done.length > 0 ? done : null, error: toApiError(err) };
      }
    }
    return { proxies: done.length > 0 ? done : null };
  }

  private async addOrReplace(s: { name: string; listen: string; upstream: string; enabled: boolean }): Promise<ProxyJson> {
    const existing = this.proxies.get(s.name);
    if (existing !== undefined) {
      // Toxiproxy's AddOrReplace: the same (resolved) address and upstream keeps the proxy, its toxics and connections.
      if (!(await existing.differs(s))) return existing.toJSON();
      existing.stop();
    }
    const proxy = new Proxy(s.name, s.listen, s.upstream, this.deps);
    if (s.enabled) await proxy.start();
    this.proxies.set(s.name, proxy);
    return proxy.toJSON();
  }

  /** POST/PATCH /proxies/{name}: absent fields keep their values. */
  update(name: string, text: string): Promise<ProxyJson> {
    return this.serial(() => this.updateNow(name, text));
  }

  private async updateNow(name: string, text: string): Promise<ProxyJson> {
    const proxy = this.get(name);
    const body = asObject(parseBody(text), 'toxiproxy.Proxy');
    await proxy.update({
      listen: stringField(body, 'listen', 'Proxy') ?? proxy.listen,
      upstream: stringField(body, 'upstream', 'Proxy') ?? proxy.upstream,
      enabled: boolField(body, 'enabled', 'Proxy') ?? proxy.enabled,
    });
    return proxy.toJSON();
  }

  /** DELETE /proxies/{name}. */
  remove(name: string): Promise<void> {
    return this.serial(() => {
      const proxy = this.get(name);
      proxy.stop();
      this.proxies.delete(name);
    });
  }

  /** POST /reset: re-enable every proxy and remove every toxic. */
  reset(): Promise<void> {
    return this.serial(async () => {
      for (const proxy of this.proxies.values()) {
        await proxy.start();
        proxy.resetToxics();
      }
    });
  }

  /** POST /proxies/{name}/toxics. */
  addToxic(proxyName: string, text: string): ToxicJson {
    const proxy = this.get(proxyName);
    const toxic = decodeNewToxic(text, (n) => proxy.getToxic(n) !== undefined, this.deps.extensions === true);
    proxy.addToxic(toxic);
    return toxicJson(toxic);
  }

  /** POST/PATCH /proxies/{name}/toxics/{toxic}. */
  updateToxic(proxyName: string, toxicName: string, text: string): ToxicJson {
    const proxy = this.get(proxyName);
    const current = proxy.getToxic(toxicName);
    if (current === undefined) throw apiErrors.toxicNotFound();
    return toxicJson(proxy.updateToxic(toxicName, decodeToxicUpdate(text, current)));
  }

  getToxic(proxyName: string, toxicName: string): ToxicJson {
    const t = this.get(proxyName).getToxic(toxicName);
    if (t === undefined) throw apiErrors.toxicNotFound();
    return toxicJson(t);
  }

  /** Stops every proxy (server shutdown). */
  closeAll(): void {
    for (const p of this.proxies.values()) p.stop();
  }
}
