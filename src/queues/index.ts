/** The queues module's public entry: what other modules may use. */
export { isLastAttempt, jitteredBackoff } from './backoff';
export { LoggedWorkerHost } from './logged-worker-host';
export { QUEUES, QUEUE_NAMES, jobId, type QueueName } from './queue-names';
export { QueuesModule } from './queues.module';
export { DeadLettersModule } from './dead-letters';
export { workerTimings } from './worker-timings';
