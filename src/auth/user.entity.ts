import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '../common/roles';

@Entity('app_user')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 30 })
  role!: Role;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
