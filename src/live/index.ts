/** The live module's public entry: what other modules may use. */
export { LIVE_KINDS, LiveChangeView, classifyAction, liveChannel, liveChanges, type LiveChange } from './live-change';
export { LiveHub } from './live-hub';
export { LiveModule } from './live.module';
