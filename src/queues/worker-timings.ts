import { EventEmitter } from 'node:events';

/**
 * Timings the queue workers report for whoever exports metrics: `lateness` (queue name, milliseconds a
 * delayed job started after its due time). A plain emitter, as LoggedWorkerHost subclasses are built by
 * Nest with their own constructor arguments; nothing listens unless the operations metrics do.
 */
export const workerTimings = new EventEmitter();
workerTimings.setMaxListeners(50);
