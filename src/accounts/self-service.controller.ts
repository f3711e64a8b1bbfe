import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { badField, Clock } from '../common';
import { ErrorBody, ApiStandardErrors } from '../http';
import { CreateTokenDto, IssuedTokenView, MeView, RedeemEnrolmentDto } from './admin.dto';
import { AdminService, EnrolmentRefused } from './admin.service';
import { AuthThrottle, credentialKey, sourceKey, TooManyFailures } from './auth-throttle';
import { AllowRestricted, CurrentPrincipal, Public, type Principal } from '../auth';
import { User } from './user.entity';

/** What any token holder may do for themself, and how a person takes their first token. */
@ApiStandardErrors()
@ApiTags('admin')
@Controller('api/v1')
export class SelfServiceController {
  constructor(
    private readonly admin: AdminService,
    private readonly throttle: AuthThrottle,
    private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Post('enrolments/redeem')
  @Public()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Redeem the one-time enrolment code an admin handed you for your own token (shown once). No bearer token needed.',
  })
  @ApiCreatedResponse({ type: IssuedTokenView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Unknown, used or expired code (field `code`)' })
  @ApiTooManyRequestsResponse({
    type: ErrorBody,
    description: 'Too many failed attempts from your address or at this code; see Retry-After',
  })
  async redeem(
    @Body() dto: RedeemEnrolmentDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssuedTokenView> {
    // A code is a credential: guesses at it are throttled like guesses at a token.
    const source = sourceKey(req.ip);
    const credential = credentialKey(dto.code);
    const tooMany = (ms: number) => {
      const e = new TooManyFailures(ms);
      res.setHeader('Retry-After', String(e.retryAfterSeconds));
      return e;
    };
    const lockedOut = await this.throttle.lockedOutFor(source, credential);
    if (lockedOut > 0) throw tooMany(lockedOut);
    try {
      return await this.admin.redeemEnrolment(dto.code, dto.tokenName, req.ip ?? 'unknown');
    } catch (err) {
      if (!(err instanceof EnrolmentRefused)) throw err;
      const lockout = await this.throttle.failed(source, credential);
      if (lockout > 0) throw tooMany(lockout);
      throw badField('code', err.message);
    }
  }

  @Get('me')
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Who this token or console session belongs to' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentPrincipal() p: Principal): Promise<MeView> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: p.userId });
    return {
      userId: p.userId,
      name: user.name,
      orgId: p.orgId,
      orgName: p.orgName,
      orgKind: p.orgKind,
      role: p.role,
      serviceAccount: user.serviceAccount,
      isPlatformAdmin: p.isPlatformAdmin,
      username: user.username,
      tokenId: p.tokenId,
      serverTime: this.clock.now().toISOString(),
    };
  }

  @Post('me/tokens')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Issue another token for yourself (a second device, a script of your own); shown once' })
  @ApiCreatedResponse({ type: IssuedTokenView })
  issueOwnToken(@CurrentPrincipal() p: Principal, @Body() dto: CreateTokenDto): Promise<IssuedTokenView> {
    return this.admin.issueToken(p, p.userId, dto);
  }
}
