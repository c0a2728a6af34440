/**
 * `/metrics` as the real server serves it with `-proxy-metrics` and/or
 * `-runtime-metrics`: Prometheus text with
 * `toxiproxy_proxy_received_bytes_total` and `toxiproxy_proxy_sent_bytes_total`
 * {direction, listener, proxy, upstream} (bytes a link read from its source /
 * wrote to its destination, added when the link ends, as Toxiproxy does), and
 * the process's runtime metrics (Node's instead of Go's). Off by default: the
 * route is then 404, as on the real server.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/** Which metric groups are served. */
export interface MetricsOptions {
  readonly proxyMetrics?: boolean;
  readonly runtimeMetrics?: boolean;
}

/** Labels of one link's byte counts. */
export interface LinkLabels {
  direction: string;
  listener: string;
  proxy: string;
  upstream: string;
}

/** The proxy's metrics registry; `enabled` false means no /metrics route. */
export class ProxyMetrics {
  readonly enabled: boolean;
  private readonly registry = new Registry();
  private readonly received: Counter<keyof LinkLabels> | undefined;
  private readonly sent: Counter<keyof LinkLabels> | undefined;

  constructor(opts: MetricsOptions = {}) {
    this.enabled = opts.proxyMetrics === true || opts.runtimeMetrics === true;
    const labelNames = ['direction', 'listener', 'proxy', 'upstream'] as const;
    if (opts.proxyMetrics === true) {
      this.received = new Counter({ name: 'toxiproxy_proxy_received_bytes_total', help: 'The total bytes received', labelNames, registers: [this.registry] });
      this.sent = new Counter({ name: 'toxiproxy_proxy_sent_bytes_total', help: 'The total bytes sent', labelNames, registers: [this.registry] });
    }
    if (opts.runtimeMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** A link ended having read `received` and written `sent` bytes. */
  linkDone(labels: LinkLabels, received: number, sent: number): void {
    this.received?.inc(labels, received);
    this.sent?.inc(labels, sent);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
