import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = 'lianfang';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** A new secret (160 random bits, base32) with the otpauth:// URI and its QR code as a data URL. */
export async function newTotpEnrolment(label: string): Promise<TotpEnrolment> {
  const secret = generateSecret();
  const otpauthUri = generateURI({ issuer: ISSUER, label, secret, period: TOTP_PERIOD_SECONDS });
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUri, qrCodeDataUrl };
}

/**
 * The time step `code` belongs to when it is the code of `secret` at `at`, one step before or one
 * after (clock drift between phone and server); null otherwise. The caller refuses a step at or
 * before the last one it accepted, so a code works once.
 */
export async function totpStep(secret: string, code: string, at: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  // The functional API's result type also covers HOTP, which has no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
