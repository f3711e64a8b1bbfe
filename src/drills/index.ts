/** The drills module's public entry: drills of plan versions (GB/T 39204-2022 11.2). */
export { DrillsModule } from './drills.module';
export { DRILL_REMINDER_EVENT } from './drill-clocks';
