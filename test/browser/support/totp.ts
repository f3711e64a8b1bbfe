import { generateSync } from 'otplib';

const STEP_SECONDS = 30;
/** The last time step a code was used for, per secret: the service accepts each code once. */
const lastStep = new Map<string, number>();

/**
 * A TOTP code for `secret` (RFC 6238, 30 s, 6 digits, as an authenticator app computes it) that was not
 * used before. The service accepts the neighbouring steps too, so the next step's code serves when this
 * step's was spent; past that, this waits for the clock.
 */
export async function freshTotp(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const current = Math.floor(now / STEP_SECONDS);
    const step = Math.max(current, (lastStep.get(secret) ?? -1) + 1);
    if (step <= current + 1) {
      lastStep.set(secret, step);
      return generateSync({ secret, epoch: step * STEP_SECONDS });
    }
    await new Promise((r) => setTimeout(r, ((current + 1) * STEP_SECONDS - now) * 1000 + 50));
  }
}

/** A code that is certainly wrong now (not this step's, nor a neighbour's). */
export function wrongTotp(secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const valid = new Set([-1, 0, 1].map((d) => generateSync({ secret, epoch: now + d * STEP_SECONDS })));
  for (let n = 0; ; n++) {
    const code = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}
