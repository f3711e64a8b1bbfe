import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { User } from './user.entity';

/** A user as other modules see them: who they are, nothing of their credentials. */
export interface UserRecord {
  id: string;
  orgId: string;
  name: string;
  email: string | null;
  role: string;
}

/** The user table belongs to the accounts module; other modules read users through this. */
@Injectable()
export class Users {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string, em?: EntityManager): Promise<UserRecord | null> {
    const u = await (em ?? this.dataSource.manager).getRepository(User).findOneBy({ id });
    return u ? { id: u.id, orgId: u.orgId, name: u.name, email: u.email ?? null, role: u.role } : null;
  }
}
