/** The roles of Onething's callers. */
export type RoleName = 'portal' | 'operator' | 'admin' | 'clerk' | 'department';

/**
 * Who calls, from a verified API key (or, behind an OIDC proxy, a verified token).
 * `scope` is the portal's client id for `portal`, the department id for `clerk` and `department`,
 * and for `operator` the one department a scoped operator sees and repairs (null: every one).
 */
export interface Principal {
  keyId: string;
  name: string;
  role: RoleName;
  scope: string | null;
  /**
   * An operator confined to a region: a 6-digit administrative division code (`regionCodeSchema`);
   * it sees and repairs only applications of that division and those under it. Null or absent:
   * every region.
   */
  region?: string | null;
  /** A person who supervises their department (an OpenID claim); API keys never do. */
  supervisor?: boolean;
}
