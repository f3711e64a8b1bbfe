import pino, { Logger } from 'pino';
import type { LogLevel } from '../config';

/**
 * The process's one pino instance: structured JSON to stdout, the process name telling API lines
 * from worker lines. It logs before Nest starts (the embedded Redis) and after it stops (shutdown);
 * in between nestjs-pino logs through it too (LoggingModule), Nest's own lines included.
 */
export function createLogger(level: LogLevel, processName: string): Logger {
  return pino({
    level,
    base: { process: processName, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.secret', '*.password'],
      censor: '[redacted]',
    },
  });
}
