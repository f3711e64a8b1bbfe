import { APP_ENV, startApp, type AppInfo } from './app';

/** One service for the run; its address and admin token reach the workers through the environment. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const app = await startApp();
  const info: AppInfo = { baseURL: app.baseURL, adminToken: app.adminToken, varDir: app.varDir };
  process.env[APP_ENV] = JSON.stringify(info);
  return () => app.stop();
}
