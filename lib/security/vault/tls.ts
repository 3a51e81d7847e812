/** The cert-manager issuer that signs Vault's listener certificate. */
export interface VaultCertificateIssuer {
  /** Name of the Issuer or ClusterIssuer. */
  readonly name: string;
  /** @default 'ClusterIssuer' */
  readonly kind?: 'Issuer' | 'ClusterIssuer';
  /** API group of an external issuer. @default 'cert-manager.io' */
  readonly group?: string;
}

/** Options of {@link VaultTls.certManager}. */
export interface VaultCertManagerTlsOptions {
  /** The issuer, by reference (it is not created here). */
  readonly issuer: VaultCertificateIssuer;
  /**
   * Host names added to the certificate besides the in-cluster Service names, e.g. the public
   * host of an HTTPRoute in front of Vault.
   * @default []
   */
  readonly extraDnsNames?: string[];
  /**
   * The issuer puts its CA certificate in the Secret's `ca.crt` (CA, self-signed and Vault
   * issuers do; ACME issuers do not). Vault's CLI in the pods (`VAULT_CACERT`) and Raft's
   * `retry_join` verify peers with it.
   * @default true
   */
  readonly caInSecret?: boolean;
}

/** @internal */
export type VaultTlsSpec =
  | { readonly kind: 'certManager'; readonly options: VaultCertManagerTlsOptions }
  | { readonly kind: 'disabled'; readonly reason: string };

/**
 * How Vault's listener is secured. There is no default: TLS is on (a cert-manager
 * Certificate whose SANs cover the Vault Services and 127.0.0.1) unless it is explicitly
 * turned off with a reason. The seed's Vault ran with a truncated, hand-made certificate.
 */
export class VaultTls {
  /** A listener certificate from a cert-manager `Certificate` signed by `options.issuer`. */
  public static certManager(options: VaultCertManagerTlsOptions): VaultTls {
    return new VaultTls({ kind: 'certManager', options });
  }

  /**
   * A plain-HTTP listener (`tls_disable = true`). Tokens and secrets then cross the network
   * in clear text, so a reason (at least 10 characters) is required; it is recorded on the
   * StatefulSet as the annotation `hardened-homelab.io/vault-tls-disabled`.
   */
  public static disabled(reason: string): VaultTls {
    return new VaultTls({ kind: 'disabled', reason });
  }

  private constructor(private readonly spec: VaultTlsSpec) {}

  /** @internal */
  public get _spec(): VaultTlsSpec {
    return this.spec;
  }
}
