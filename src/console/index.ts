/** The console module's public entry: what other modules may use. */
export { CONSOLE_CSP_DIRECTIVES } from './console-csp';
export { defaultConsoleDir } from './console-dir';
export { ConsoleModule } from './console.module';
