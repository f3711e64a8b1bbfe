import { runProcess } from './run-process';

// Queue workers alone (timers, notifications, report delivery), for deployments that scale them apart from the API.
runProcess({ api: false, workers: true, processName: 'worker' });
