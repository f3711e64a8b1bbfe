import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Named counters (e.g. incident references per organisation and year). */
@Entity('sequence')
export class SequenceRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'integer' })
  value!: number;
}
