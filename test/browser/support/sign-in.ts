import { expect, type APIResponse, type BrowserContext, type Page } from '@playwright/test';
import type { AdminApi, Role, TestOrg, TestUser } from './api';
import type { ContractRecorder } from './contract';
import { freshTotp } from './totp';

/** Texts of the sign-in steps in either language, so the helpers work whatever language is chosen. */
export const L = {
  username: /^(用户名|Username)$/,
  password: /^(密码|Password)$/,
  signIn: /^(登录|Sign in)$/,
  code: /^(动态验证码|Verification code)$/,
  currentPassword: /^(当前密码|Current password)$/,
  newPassword: /^(新密码|New password)$/,
  repeatPassword: /^(确认新密码|Repeat the new password)$/,
  changePassword: /^(修改密码|Change password)$/,
  confirmTotp: /^(确认绑定|Confirm)$/,
  signOut: /(退出登录|Sign out)/,
};

/** A new password for `user` that the policy accepts (12+ characters, not the username, not the old one). */
export function nextPassword(user: TestUser): string {
  return `${user.password.slice(0, 20)}-n${Date.now() % 100000}`;
}

export type SignInStep = 'signed-in' | 'change-password' | 'enrol-totp' | 'code' | 'error';

/** Which step the sign-in page shows now (waits for one to appear). */
export async function currentStep(page: Page): Promise<SignInStep> {
  const signedIn = page.getByRole('button', { name: L.signOut });
  const change = page.getByLabel(L.newPassword);
  const enrol = page.getByTestId('totp-secret');
  const code = page.getByLabel(L.code);
  const error = page.getByRole('alert');
  await expect(signedIn.or(change).or(enrol).or(code).or(error).first()).toBeVisible();
  if (await signedIn.isVisible()) return 'signed-in';
  if (await change.isVisible()) return 'change-password';
  if (await enrol.isVisible()) return 'enrol-totp';
  if (await error.first().isVisible()) return 'error';
  return 'code';
}

/**
 * Signs `user` in through the sign-in page as a person would, whatever the server asks on the way:
 * the code (computed from the enrolled secret), the initial password change, the authenticator set-up
 * (reading the secret the page shows as text). Updates `user.password` and `user.totpSecret`.
 */
export async function signInThroughPage(page: Page, user: TestUser): Promise<void> {
  await page.goto('/');
  await page.getByLabel(L.username).fill(user.username);
  await page.getByLabel(L.password).fill(user.password);
  await page.getByRole('button', { name: L.signIn }).click();
  for (let i = 0; i < 5; i++) {
    const step = await currentStep(page);
    if (step === 'signed-in') return;
    if (step === 'error') throw new Error(`sign-in refused: ${await page.getByRole('alert').first().innerText()}`);
    if (step === 'change-password') await changePasswordOnPage(page, user);
    if (step === 'enrol-totp') await enrolTotpOnPage(page, user);
    if (step === 'code') {
      if (!user.totpSecret) throw new Error(`${user.username}: a code is asked but no secret is known`);
      await page.getByLabel(L.code).fill(await freshTotp(user.totpSecret));
      await page.getByRole('button', { name: L.signIn }).click();
      await expect(page.getByLabel(L.code)).toBeHidden();
    }
  }
  throw new Error(`${user.username}: not signed in after five steps`);
}

export async function changePasswordOnPage(page: Page, user: TestUser): Promise<void> {
  const next = nextPassword(user);
  await page.getByLabel(L.currentPassword).fill(user.password);
  await page.getByLabel(L.newPassword).fill(next);
  await page.getByLabel(L.repeatPassword).fill(next);
  await page.getByRole('button', { name: L.changePassword }).click();
  await expect(page.getByLabel(L.newPassword)).toBeHidden();
  user.password = next;
}

export async function enrolTotpOnPage(page: Page, user: TestUser): Promise<void> {
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await page.getByLabel(L.code).fill(await freshTotp(secret));
  await page.getByRole('button', { name: L.confirmTotp }).click();
  await expect(page.getByTestId('totp-secret')).toBeHidden();
  user.totpSecret = secret;
}

async function checked(recorder: ContractRecorder, method: string, res: APIResponse): Promise<APIResponse> {
  const url = new URL(res.url());
  recorder.record({
    method,
    url: url.pathname + url.search,
    status: res.status(),
    contentType: res.headers()['content-type'],
    body: await res.body(),
  });
  return res;
}

/**
 * Signs `user` in through the API into `context`'s cookie jar (for specs about other pages): the same
 * steps as the page, so the session is a full one. Answers are checked against openapi.json.
 */
export async function signInThroughApi(context: BrowserContext, user: TestUser, recorder: ContractRecorder) {
  const post = async (path: string, data: unknown, csrf?: string) =>
    checked(
      recorder,
      'POST',
      await context.request.post(path, {
        data,
        headers: csrf ? { 'x-csrf-token': csrf } : {},
        failOnStatusCode: false,
      }),
    );
  let res = await post('/api/v1/session', { username: user.username, password: user.password });
  if (res.status() === 401 && ((await res.json()) as { code?: string }).code === 'second-factor-required') {
    res = await post('/api/v1/session', {
      username: user.username,
      password: user.password,
      code: await freshTotp(user.totpSecret ?? ''),
    });
  }
  expect(res.status(), await res.text()).toBe(200);
  let session = (await res.json()) as { csrfToken: string; restricted: string | null };
  if (session.restricted === 'password-change-required') {
    const next = nextPassword(user);
    res = await post(
      '/api/v1/session/password',
      { currentPassword: user.password, newPassword: next },
      session.csrfToken,
    );
    expect(res.status(), await res.text()).toBe(200);
    user.password = next;
    session = (await res.json()) as typeof session;
  }
  if (session.restricted === 'second-factor-enrolment-required') {
    res = await post('/api/v1/session/totp', undefined, session.csrfToken);
    expect(res.status(), await res.text()).toBe(200);
    const { secret } = (await res.json()) as { secret: string };
    res = await post('/api/v1/session/totp/confirm', { code: await freshTotp(secret) }, session.csrfToken);
    expect(res.status(), await res.text()).toBe(200);
    user.totpSecret = secret;
    session = (await res.json()) as typeof session;
  }
  expect(session.restricted).toBeNull();
}

/** A new operator organisation and one person of `role` in it, signed in to `context` through the API. */
export async function newOperatorSignedIn(
  admin: AdminApi,
  context: BrowserContext,
  recorder: ContractRecorder,
  role: Role,
  name: string,
): Promise<{ org: TestOrg; user: TestUser }> {
  const org = await admin.createOperator();
  const user = await admin.createUser(org.id, role, name);
  await signInThroughApi(context, user, recorder);
  return { org, user };
}
