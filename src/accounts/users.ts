import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { User } from './user.entity';

/** A user as other modules see them: who they are, nothing of their credentials. */
export interface UserRecord {
  id: string;
  orgId: string;
  name: string;
  email: string | null;
  role: string;
  /** An admin disabled the user: still named on records, not to be given new duties. */
  disabled: boolean;
}

/** The user table belongs to the accounts module; other modules read users through this. */
@Injectable()
export class Users {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string, em?: EntityManager): Promise<UserRecord | null> {
    const u = await (em ?? this.dataSource.manager).getRepository(User).findOneBy({ id });
    return u
      ? { id: u.id, orgId: u.orgId, name: u.name, email: u.email ?? null, role: u.role, disabled: !!u.disabledAt }
      : null;
  }

  /** The organisation's people who can be given a duty: not disabled, not service accounts; by name. */
  async people(orgId: string, em?: EntityManager): Promise<UserRecord[]> {
    const rows = await (em ?? this.dataSource.manager)
      .getRepository(User)
      .find({ where: { orgId, serviceAccount: false, disabledAt: IsNull() }, order: { name: 'ASC', id: 'ASC' } });
    return rows.map((u) => ({
      id: u.id,
      orgId: u.orgId,
      name: u.name,
      email: u.email ?? null,
      role: u.role,
      disabled: false,
    }));
  }

  /** Several users at once (a drill's participants); ids not found are absent from the map. */
  async findMany(ids: readonly string[], em?: EntityManager): Promise<Map<string, UserRecord>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await (em ?? this.dataSource.manager).getRepository(User).findBy({ id: In(unique) });
    return new Map(
      rows.map((u) => [
        u.id,
        { id: u.id, orgId: u.orgId, name: u.name, email: u.email ?? null, role: u.role, disabled: !!u.disabledAt },
      ]),
    );
  }
}
