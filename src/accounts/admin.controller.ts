import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody, ApiStandardErrors } from '../http';
import { AdminService } from './admin.service';
import {
  CreateOrganisationDto,
  CreateTokenDto,
  CreateUserDto,
  EnrolmentView,
  IssuedTokenView,
  OrganisationView,
  ResetPasswordDto,
  SecuritySettingsDto,
  SecuritySettingsView,
  SharingSettingsDto,
  SharingSettingsView,
  TokenView,
  UpdateOrganisationDto,
  UpdateUserDto,
  UserView,
} from './admin.dto';
import { CurrentPrincipal, Roles, type Principal } from '../auth';

@ApiStandardErrors({
  notFound: 'No such organisation, user or token that you administer',
  forbidden: 'Admins only; creating and changing organisations is for platform admins',
})
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post('organisations')
  @ApiOperation({ summary: 'Create an operator or department organisation (platform admins only)' })
  @ApiCreatedResponse({ type: OrganisationView })
  createOrganisation(@CurrentPrincipal() p: Principal, @Body() dto: CreateOrganisationDto) {
    if (!p.isPlatformAdmin)
      throw new ForbiddenException('Only admins of the platform organisation create organisations');
    return this.admin.createOrganisation(p, dto);
  }

  @Patch('organisations/:orgId')
  @ApiOperation({
    summary: "Set an organisation's sector, operator kind, region or department kind (platform admins only; audited)",
  })
  @ApiOkResponse({ type: OrganisationView })
  updateOrganisation(
    @CurrentPrincipal() p: Principal,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: UpdateOrganisationDto,
  ) {
    if (!p.isPlatformAdmin)
      throw new ForbiddenException('Only admins of the platform organisation change organisations');
    return this.admin.updateOrganisation(p, orgId, dto);
  }

  @Get('organisations')
  @ApiOperation({ summary: 'Organisations you administer (platform admins: all of them)' })
  @ApiOkResponse({ type: [OrganisationView] })
  listOrganisations(@CurrentPrincipal() p: Principal) {
    return this.admin.listOrganisations(p);
  }

  @Get('organisations/:orgId/sharing-settings')
  @ApiOperation({
    summary: "The organisation's sharing settings: internal host naming patterns for desensitised STIX exports",
  })
  @ApiOkResponse({ type: SharingSettingsView })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such organisation that you administer' })
  getSharingSettings(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string) {
    return this.admin.getSharingSettings(p, orgId);
  }

  @Put('organisations/:orgId/sharing-settings')
  @ApiOperation({ summary: "Replace the organisation's internal host naming patterns (audited)" })
  @ApiOkResponse({ type: SharingSettingsView })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description:
      'internalHostPatterns missing, too many, or a pattern with a bad ' +
      'character, too long, too many "*" or too few letters/digits',
  })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such organisation that you administer' })
  updateSharingSettings(
    @CurrentPrincipal() p: Principal,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: SharingSettingsDto,
  ) {
    return this.admin.updateSharingSettings(p, orgId, dto);
  }

  @Post('organisations/:orgId/users')
  @ApiOperation({
    summary:
      'Add a person or a service account to an organisation; a person may get a username and an initial password ' +
      'to sign in to the console with (changed at first sign-in)',
  })
  @ApiCreatedResponse({ type: UserView })
  @ApiConflictResponse({ type: ErrorBody, description: 'The username is taken (details name username)' })
  createUser(
    @CurrentPrincipal() p: Principal,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: CreateUserDto,
  ): Promise<UserView> {
    return this.admin.createUserView(p, orgId, dto);
  }

  @Get('organisations/:orgId/users')
  @ApiOperation({ summary: "The organisation's users" })
  @ApiOkResponse({ type: [UserView] })
  listUsers(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string) {
    return this.admin.listUsers(p, orgId);
  }

  @Get('organisations/:orgId/tokens')
  @ApiOperation({ summary: "The organisation's tokens (never the secrets), revoked ones included" })
  @ApiOkResponse({ type: [TokenView] })
  listTokens(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string) {
    return this.admin.listTokens(p, orgId);
  }

  @Post('users/:userId/tokens')
  @ApiOperation({
    summary:
      'Issue a token for yourself or for a service account; the token is in ' +
      'the response, once. A person gets theirs by enrolment.',
  })
  @ApiCreatedResponse({ type: IssuedTokenView })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'The user is another person, not a service account' })
  issueToken(
    @CurrentPrincipal() p: Principal,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() dto: CreateTokenDto,
  ) {
    return this.admin.issueToken(p, userId, dto);
  }

  @Post('users/:userId/enrolment')
  @ApiOperation({
    summary:
      'A one-time enrolment code (valid 72 hours) for a person without an ' +
      'active token, to hand to them; they redeem it for their own token',
  })
  @ApiCreatedResponse({ type: EnrolmentView })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'A service account (issue its token instead), or the person holds an active token',
  })
  issueEnrolment(@CurrentPrincipal() p: Principal, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.admin.issueEnrolment(p, userId);
  }

  @Post('users/:userId/password')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Set a person's initial password again (they must change it at their next sign-in; their console sessions " +
      'end). A person without a username gets the one given',
  })
  @ApiOkResponse({ type: UserView })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'A service account (it has no password), or the username is taken',
  })
  resetPassword(
    @CurrentPrincipal() p: Principal,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() dto: ResetPasswordDto,
  ): Promise<UserView> {
    return this.admin.resetPassword(p, userId, dto);
  }

  @Post('users/:userId/second-factor/reset')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Remove a person's second factor (a lost phone): their console sessions end; they enrol a new one at their " +
      'next sign-in if they must have one',
  })
  @ApiOkResponse({ type: UserView })
  resetSecondFactor(
    @CurrentPrincipal() p: Principal,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<UserView> {
    return this.admin.resetSecondFactor(p, userId);
  }

  @Patch('users/:userId')
  @ApiOperation({
    summary:
      "Change a user's role, or disable them (their sessions end, sign-in and their tokens are refused) or enable " +
      'them again; not your own role, not yourself (audited)',
  })
  @ApiOkResponse({ type: UserView })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: "Nothing to change, a role the organisation's kind or a service account may not hold, or yourself",
  })
  updateUser(
    @CurrentPrincipal() p: Principal,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.admin.updateUser(p, userId, dto);
  }

  @Put('organisations/:orgId/security')
  @ApiOperation({
    summary: 'Whether everyone of the organisation must sign in to the console with a second factor (audited)',
  })
  @ApiOkResponse({ type: SecuritySettingsView })
  updateSecuritySettings(
    @CurrentPrincipal() p: Principal,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: SecuritySettingsDto,
  ): Promise<SecuritySettingsView> {
    return this.admin.updateSecuritySettings(p, orgId, dto);
  }

  @Post('tokens/:tokenId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a token; it stops working at once' })
  @ApiOkResponse({ type: TokenView })
  revokeToken(@CurrentPrincipal() p: Principal, @Param('tokenId', ParseUUIDPipe) tokenId: string) {
    return this.admin.revokeToken(p, tokenId);
  }
}
