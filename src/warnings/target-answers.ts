import type { EntityManager } from 'typeorm';
import { WarningTarget } from './warning-target.entity';

/**
 * Where a warned operator stands with its feedback, as the department's tracker sorts and filters it:
 * overdue (no feedback and the deadline has passed, whether or not the timer ran yet), pending (no
 * feedback, still in time), late (feedback after the deadline), answered (feedback in time).
 */
export const TARGET_ANSWERS = ['overdue', 'pending', 'late', 'answered'] as const;
export type TargetAnswer = (typeof TARGET_ANSWERS)[number];

/**
 * The answer as SQL, its rank in TARGET_ANSWERS' order (`:now`: an ISO timestamp). The same rule as
 * isOverdue / targetStatus in warning.view.ts, so the counts, the filter and each row agree; timestamps
 * are ISO strings in one format, so comparing them as text compares the instants (SQLite and Postgres).
 */
export const ANSWER_RANK =
  'CASE WHEN t.feedback_at IS NULL AND (t.deadline_status = :missed OR ' +
  '(t.deadline_status = :pending AND t.due_at <= :now)) THEN 0 ' +
  'WHEN t.feedback_at IS NULL THEN 1 ' +
  'WHEN t.deadline_status = :missed OR t.feedback_at > t.due_at THEN 2 ELSE 3 END';
const RANK_PARAMS = { missed: 'missed', pending: 'pending' };

export interface AnswerCounts {
  targets: number;
  answered: number;
  overdue: number;
  late: number;
}

/**
 * Per warning of `warningIds` (all issued by `departmentOrgId`): how many operators it reached and how
 * many answered, are overdue or answered late. One grouped query, whatever the number of operators.
 */
export async function answerCounts(
  em: EntityManager,
  departmentOrgId: string,
  warningIds: string[],
  now: string,
): Promise<Map<string, AnswerCounts>> {
  const out = new Map<string, AnswerCounts>();
  if (!warningIds.length) return out;
  const sum = (ranks: number[]) => `SUM(CASE WHEN (${ANSWER_RANK}) IN (${ranks.join(', ')}) THEN 1 ELSE 0 END)`;
  const rows = await em
    .getRepository(WarningTarget)
    .createQueryBuilder('t')
    .select('t.warning_id', 'warningId')
    .addSelect('COUNT(*)', 'targets')
    .addSelect(sum([2, 3]), 'answered')
    .addSelect(sum([0]), 'overdue')
    .addSelect(sum([2]), 'late')
    .where('t.warning_id IN (:...warningIds)', { warningIds })
    .andWhere('t.department_org_id = :departmentOrgId', { departmentOrgId })
    .setParameters({ ...RANK_PARAMS, now })
    .groupBy('t.warning_id')
    .getRawMany<Record<keyof AnswerCounts | 'warningId', string | number>>();
  for (const id of warningIds) out.set(id, { targets: 0, answered: 0, overdue: 0, late: 0 });
  // Postgres answers COUNT and SUM as bigint strings.
  for (const r of rows)
    out.set(String(r.warningId), {
      targets: Number(r.targets),
      answered: Number(r.answered),
      overdue: Number(r.overdue),
      late: Number(r.late),
    });
  return out;
}

/**
 * One page of a warning's operators, overdue first, then pending, late and answered; within each, by
 * feedback deadline and operator id (a stable order, so pages neither repeat nor skip a row while
 * nothing changes). `answer` keeps only that kind. Offset paging: a warning reaches at most a sector's
 * operators (thousands), and the order is computed over the warning's rows alone.
 */
export async function targetPage(
  em: EntityManager,
  departmentOrgId: string,
  warningId: string,
  now: string,
  opts: { page: number; pageSize: number; answer?: TargetAnswer },
): Promise<{ rows: WarningTarget[]; total: number }> {
  const qb = em
    .getRepository(WarningTarget)
    .createQueryBuilder('t')
    .where('t.warning_id = :warningId', { warningId })
    .andWhere('t.department_org_id = :departmentOrgId', { departmentOrgId })
    .setParameters({ ...RANK_PARAMS, now });
  if (opts.answer) qb.andWhere(`${ANSWER_RANK} = :rank`, { rank: TARGET_ANSWERS.indexOf(opts.answer) });
  const total = await qb.clone().getCount();
  const rows = await qb
    .addSelect(ANSWER_RANK, 'answer_rank')
    .orderBy('answer_rank', 'ASC')
    .addOrderBy('t.due_at', 'ASC')
    .addOrderBy('t.operator_org_id', 'ASC')
    .offset((opts.page - 1) * opts.pageSize)
    .limit(opts.pageSize)
    .getMany();
  return { rows, total };
}
