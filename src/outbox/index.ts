/** The outbox module's public entry: what other modules may use. */
export { OutboxModule } from './outbox.module';
export { OutboxService, type OutboxItem } from './outbox.service';
export { OutboxPruner } from './outbox.pruner';
export { outboxBacklog } from './outbox-backlog';
