/**
 * Helmet's Content-Security-Policy directives where the console needs them (helmet's defaults
 * otherwise: default-src, base-uri, form-action 'self'; object-src and script-src-attr 'none').
 * Scripts only from the service itself; antd's CSS-in-JS writes <style> elements, hence
 * 'unsafe-inline' for styles (never for scripts); data: images for the TOTP QR code; the console
 * talks to its own origin only; no framing (clickjacking).
 *
 * Helmet's default `upgrade-insecure-requests` is left out: a console reached over plain HTTP (a
 * loopback or LAN address without a TLS proxy) would have its own scripts and API calls sent to
 * https and fail to load. HSTS still applies once a browser has seen the service over TLS.
 */
export const CONSOLE_CSP_DIRECTIVES = {
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};
