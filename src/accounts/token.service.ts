import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OperatorKind, OrgKind, Role, Sector } from '../common';
import { sql } from '../database';
import type { Principal } from '../auth';
import { TokenHasher } from './token-hash';

interface TokenRow {
  token_id: string;
  user_id: string;
  org_id: string;
  role: Role;
  org_name: string;
  org_kind: OrgKind;
  operator_kind: OperatorKind | null;
  sector: Sector;
  is_platform: number | boolean;
}

@Injectable()
export class TokenService {
  /** By the number of stored forms looked up (see TokenHasher.candidates). */
  private readonly sql: Record<1 | 2, string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: TokenHasher,
  ) {
    // One indexed read per request; revocation takes effect on the next request (no cache).
    const select =
      'SELECT t.id AS token_id, t.user_id, t.org_id, t.role, o.name AS org_name, o.kind AS org_kind, ' +
      'o.operator_kind, o.sector, o.is_platform FROM api_token t JOIN organisation o ON o.id = t.org_id ' +
      // A disabled user's tokens stop working, and work again when the user is enabled.
      'JOIN app_user u ON u.id = t.user_id AND u.disabled_at IS NULL ';
    this.sql = {
      1: `${select}WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
      2: `${select}WHERE t.token_hash IN (?, ?) AND t.revoked_at IS NULL`,
    };
  }

  async authenticate(token: string): Promise<Principal | null> {
    if (token.length > 200) return null;
    const candidates = this.hasher.candidates(token);
    // Raw and prepared (sql()): this read comes before every authenticated request.
    const rows = await sql<TokenRow>(this.dataSource.manager, this.sql[candidates.length as 1 | 2], candidates);
    const r = rows[0];
    if (!r) return null;
    const isPlatform = r.is_platform === true || r.is_platform === 1;
    return {
      tokenId: r.token_id,
      sessionId: null,
      userId: r.user_id,
      orgId: r.org_id,
      orgName: r.org_name,
      orgKind: r.org_kind,
      operatorKind: r.operator_kind,
      sector: r.sector,
      role: r.role,
      isPlatformAdmin: isPlatform && r.role === 'admin',
    };
  }
}
