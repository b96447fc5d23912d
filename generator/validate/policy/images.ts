import type { BuiltObject } from '../types.js';
import { images } from './pods.js';
import type { Violation } from './rules.js';

export interface ImageRef {
  readonly registry: string;
  /** Repository path without registry, e.g. library/postgres, grafana/grafana. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image reference the way container runtimes do (docker.io and library/ implied). */
export function parseImage(image: string): ImageRef {
  const [rest, digest] = image.split('@') as [string, string | undefined];
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon !== -1) [path, tag] = [path.slice(0, colon), path.slice(colon + 1)];
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { registry, repository: path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Images known to be published for linux/arm64 (FACTS.md "Multi-arch with arm64": Docker official
 * images, Prometheus, Grafana, Loki, Flux controllers; plus the Kubernetes, K3s and cert-manager
 * registries, and the Prometheus community exporters, which are built with promu for linux/arm64).
 */
const MULTI_ARCH: readonly RegExp[] = [
  /^docker\.io\/library\//, /^docker\.io\/(prom|grafana|rancher|traefik|eclipse-mosquitto|fluxcd)\//,
  /^ghcr\.io\/fluxcd\//, /^ghcr\.io\/controlplaneio-fluxcd\//, /^quay\.io\/prometheus(-operator|community)?\//, /^docker\.io\/oliver006\/redis_exporter$/, /^quay\.io\/jetstack\//,
  /^registry\.k8s\.io\//, /^ghcr\.io\/grafana\//, /^quay\.io\/kiwigrid\//, /^docker\.io\/kiwigrid\//,
];

/**
 * Images that bundle a jemalloc built for 4 KB pages and abort on the Pi 5's 16 KB kernel
 * (FACTS.md "Raspberry Pi 5": InfluxDB 3 is known to; official redis builds for up to 64 KB).
 */
const JEMALLOC_4K: readonly { match: (ref: ImageRef) => boolean; name: string }[] = [
  { name: 'InfluxDB 3', match: (r) => /(^|\/)influxdb3?(-core|-enterprise)?$/.test(r.repository) && (/^3/.test(r.tag ?? '') || /influxdb3/.test(r.repository) || /^(core|enterprise)/.test(r.tag ?? '')) },
];

export interface ImageContext {
  /** True when some node runs the Pi 5's default 16 KB-page kernel (unknown without a spec: assume so). */
  readonly pageSize16k: boolean;
}

export function imageViolations(built: BuiltObject, context: ImageContext): Violation[] {
  const out: Violation[] = [];
  for (const { image, path } of images(built)) {
    const ref = parseImage(image);
    if (!ref.digest && (!ref.tag || ref.tag === 'latest')) {
      out.push({ rule: 'image-tag', object: built, path, message: `image ${image} is ${ref.tag ? 'tagged latest' : 'not tagged'}`, hint: 'pin a version tag (or a digest) so every node runs the same bytes and Renovate can propose upgrades' });
    }
    const full = `${ref.registry}/${ref.repository}`;
    if (!MULTI_ARCH.some((re) => re.test(full))) {
      out.push({ rule: 'image-arm64', object: built, path, message: `image ${image} is not on the known arm64 list`, hint: 'check that the image manifest lists linux/arm64 (docker buildx imagetools inspect IMAGE)' });
    }
    const risk = JEMALLOC_4K.find((r) => r.match(ref));
    if (risk && context.pageSize16k) {
      out.push({ rule: 'page-size-16k', object: built, path, message: `image ${image} (${risk.name}) bundles jemalloc built for 4 KB pages and aborts with "Unsupported system page size" on the Pi 5's 16 KB kernel`, hint: 'boot the nodes with kernel=kernel8.img in /boot/firmware/config.txt (4 KB pages): set pageSize4k: true on those nodes in the cluster spec' });
    }
  }
  return out;
}
