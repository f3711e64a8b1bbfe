/** The plans module's public entry: what other modules may use. */
export { PlansModule, PlansApiModule } from './plans.module';
export { PlanStore, PLAN_REF, type ResolvedPlan } from './plan-store';
export type { PlanAction, NotifyChannel, NotifyRole } from './plan-document';
export { NOTIFY_CHANNELS } from './plan-document';
