import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { ClusterSpec } from '../../spec/types.js';
import type { BaseFile } from '../apps/_component.js';
import { PART_OF } from '../apps/_model.js';
import { CLUSTER_ISSUER } from '../apps/ingress.js';
import { CERT_MANAGER_NAMESPACE } from './cert-manager.js';

const labels = { 'app.kubernetes.io/part-of': PART_OF };

/**
 * The SSD storage class: K3s's local-path provisioner, whose data path is the SSD mount set by the
 * bootstrap's K3s `default-local-storage-path`. WaitForFirstConsumer so a volume is made on the node
 * the pod is scheduled to (a local PV pins its pod to that node: FACTS.md "K3s").
 */
export function storageClass(cluster: ClusterSpec): StorageClass {
  const { className, reclaimPolicy } = cluster.spec.platform.storage;
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: className, labels },
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy,
    // local-path volumes are host folders: they cannot be expanded.
    allowVolumeExpansion: false,
  };
}

export const SELF_SIGNED_ROOT_ISSUER = 'pi-gitops-selfsigned-root';
export const ROOT_CA_SECRET = 'pi-gitops-root-ca';

/** selfSigned: a self-signed root issuer → a CA Certificate (in cert-manager's namespace) → the CA ClusterIssuer. */
export function selfSignedBase(): BaseFile[] {
  return [
    {
      file: 'clusterissuers.yaml',
      objects: [
        { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: SELF_SIGNED_ROOT_ISSUER, labels }, spec: { selfSigned: {} } },
        { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: CLUSTER_ISSUER, labels }, spec: { ca: { secretName: ROOT_CA_SECRET } } },
      ],
    },
    {
      file: 'certificate.yaml',
      objects: [
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: ROOT_CA_SECRET, namespace: CERT_MANAGER_NAMESPACE, labels },
          spec: {
            isCA: true,
            commonName: 'pi-gitops root CA',
            secretName: ROOT_CA_SECRET,
            duration: '87600h',
            renewBefore: '720h',
            privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
            issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: SELF_SIGNED_ROOT_ISSUER },
          },
        },
      ],
    },
  ];
}

/** acme: HTTP-01 through Traefik; the account key lives in a Secret cert-manager creates itself. */
export function acmeIssuer(cluster: ClusterSpec): object {
  const { acmeEmail, acmeServer } = cluster.spec.platform.tls;
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: CLUSTER_ISSUER, labels },
    spec: {
      acme: {
        server: acmeServer,
        ...(acmeEmail ? { email: acmeEmail } : {}),
        privateKeySecretRef: { name: 'pi-gitops-acme-account' },
        solvers: [{ http01: { ingress: { ingressClassName: cluster.spec.platform.ingress.className } } }],
      },
    },
  };
}
