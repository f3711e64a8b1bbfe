import { runProcess } from './run-process';

// The embedded default: HTTP API and queue workers in one process.
runProcess({ api: true, workers: true, processName: 'api' });
