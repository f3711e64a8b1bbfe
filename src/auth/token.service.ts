import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OperatorKind, OrgKind, Role, Sector } from '../common/roles';
import type { Principal } from './principal';
import { hashToken } from './token-hash';

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
  private readonly sql: string;

  constructor(private readonly dataSource: DataSource) {
    const p = dataSource.options.type === 'postgres' ? '$1' : '?';
    // One indexed read per request; revocation takes effect on the next request (no cache).
    this.sql =
      'SELECT t.id AS token_id, t.user_id, t.org_id, t.role, o.name AS org_name, o.kind AS org_kind, ' +
      'o.operator_kind, o.sector, o.is_platform FROM api_token t JOIN organisation o ON o.id = t.org_id ' +
      `WHERE t.token_hash = ${p} AND t.revoked_at IS NULL`;
  }

  async authenticate(token: string): Promise<Principal | null> {
    if (token.length > 200) return null;
    const rows: TokenRow[] = await this.dataSource.query(this.sql, [hashToken(token)]);
    const r = rows[0];
    if (!r) return null;
    const isPlatform = r.is_platform === true || r.is_platform === 1;
    return {
      tokenId: r.token_id,
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
