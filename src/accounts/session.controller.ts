import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { stringifySetCookie } from 'cookie';
import { AllowRestricted, Public } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import { TooManyFailures } from './auth-throttle';
import type { AuthenticatedRequest } from './auth.guard';
import { ChangePasswordDto, ConfirmTotpDto, SessionView, SignInDto, TotpEnrolmentView } from './session.dto';
import { SESSION_COOKIE, sessionError, SessionService, type ActiveSession } from './session.service';

/** Set-Cookie for the session: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS. */
function setSessionCookie(req: Request, res: Response, value: string, expires: Date): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      // req.secure: TLS to this process, or X-Forwarded-Proto https from a proxy TRUST_PROXY trusts.
      secure: req.secure,
      expires,
    }),
  );
}

/** The console session of a request the guard let in with a cookie; 401 no-session for a token request. */
function sessionOf(req: AuthenticatedRequest): ActiveSession {
  if (!req.consoleSession)
    throw sessionError(
      HttpStatus.UNAUTHORIZED,
      'no-session',
      'This needs a console session (the lf_session cookie), not a token',
    );
  return req.consoleSession;
}

/** People signing in to the console: the session cookie, its CSRF token, signing out. */
@ApiStandardErrors()
@ApiTags('session')
@Controller('api/v1/session')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in with username and password (and the TOTP code once asked for it); sets the HttpOnly lf_session cookie',
  })
  @ApiOkResponse({ type: SessionView, description: 'Signed in; Set-Cookie carries lf_session' })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description:
      'code invalid-credentials (unknown username, wrong password, or an account without one: the same answer), ' +
      'second-factor-required (the password is right; send it again with code), invalid-second-factor (wrong or ' +
      'already used code)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorBody,
    description:
      'code too-many-failures: too many failed sign-ins from your address or for this username; see Retry-After',
  })
  async signIn(
    @Body() dto: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    try {
      const { cookie, view } = await this.sessions.signIn(dto, { ip: req.ip, userAgent: req.headers['user-agent'] });
      setSessionCookie(req, res, cookie, new Date(view.absoluteExpiresAt));
      return view;
    } catch (err) {
      if (err instanceof TooManyFailures) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Get()
  @AllowRestricted()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'The current console session (the console calls it when it loads)' })
  @ApiOkResponse({ type: SessionView })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description: 'code no-session (no cookie, unknown or signed out, or a bearer token), session-expired',
  })
  current(@Req() req: AuthenticatedRequest): SessionView {
    return this.sessions.view(sessionOf(req));
  }

  @Post('password')
  @AllowRestricted()
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary: "Change your password; your other sessions end (this one stays). Lifts 'password-change-required'",
  })
  @ApiOkResponse({ type: SessionView })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description:
      'currentPassword wrong (code invalid-credentials; counted like a failed sign-in), or newPassword shorter ' +
      'than 12 characters, the username or the current password (details name the field)',
  })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description: 'code no-session (no cookie, unknown or signed out, or a bearer token), session-expired',
  })
  async changePassword(
    @Req() req: AuthenticatedRequest,
    @Body() dto: ChangePasswordDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    try {
      return await this.sessions.changePassword(sessionOf(req), dto, {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
      });
    } catch (err) {
      if (err instanceof TooManyFailures) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Post('totp')
  @AllowRestricted()
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary:
      'Start (or start again) setting up an authenticator app: a new TOTP secret, its otpauth URI and QR code. ' +
      'Not in force until confirmed',
  })
  @ApiOkResponse({ type: TotpEnrolmentView })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'code second-factor-already-enrolled: one is set up already (an admin can reset it)',
  })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description: 'code no-session (no cookie, unknown or signed out, or a bearer token), session-expired',
  })
  startTotp(@Req() req: AuthenticatedRequest): Promise<TotpEnrolmentView> {
    return this.sessions.startTotp(sessionOf(req));
  }

  @Post('totp/confirm')
  @AllowRestricted()
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary:
      'Confirm the authenticator app with its current code; from now on signing in needs a code. ' +
      "Lifts 'second-factor-enrolment-required'",
  })
  @ApiOkResponse({ type: SessionView })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: 'code invalid-second-factor: not the current code of the new secret (details name code)',
  })
  @ApiConflictResponse({
    type: ErrorBody,
    description:
      'code no-second-factor-enrolment: no enrolment started (POST /session/totp first); ' +
      'second-factor-already-enrolled',
  })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description: 'code no-session (no cookie, unknown or signed out, or a bearer token), session-expired',
  })
  confirmTotp(@Req() req: AuthenticatedRequest, @Body() dto: ConfirmTotpDto): Promise<SessionView> {
    return this.sessions.confirmTotp(sessionOf(req), dto);
  }

  @Delete()
  @AllowRestricted()
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out: ends the session (its cookie stops working) and clears the cookie' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description: 'code no-session (no cookie, unknown or signed out, or a bearer token), session-expired',
  })
  async signOut(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const session = sessionOf(req);
    await this.sessions.end(session.id, session.principal, 'signed-out');
    setSessionCookie(req, res, '', new Date(0));
  }
}
