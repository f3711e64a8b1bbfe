import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { hostPatternProblem, MAX_HOST_PATTERNS } from './host-patterns';
import { PASSWORD_MIN_LENGTH } from './passwords';
import {
  DEPARTMENT_KINDS,
  OPERATOR_KINDS,
  ORG_KINDS,
  REGION_PATTERN,
  ROLES,
  SECTORS,
  SERVICE_ACCOUNT_ROLES,
  type DepartmentKind,
  type OperatorKind,
  type OrgKind,
  type Role,
  type Sector,
} from '../common';

/** Usernames as stored: lower case, 3-64 of a-z 0-9 . _ - (the contract's). */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;
const lowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
const IsUsername = () =>
  Matches(USERNAME_PATTERN, { message: 'username must be 3-64 characters of a-z, 0-9, ".", "_" and "-"' });

export class CreateOrganisationDto {
  @ApiProperty({ example: '华东电网调度中心' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ORG_KINDS })
  @IsIn(ORG_KINDS)
  kind!: OrgKind;

  @ApiProperty({ enum: SECTORS })
  @IsIn(SECTORS)
  sector!: Sector;

  @ApiPropertyOptional({
    enum: OPERATOR_KINDS,
    description: 'Operators only; decides the reporting rules. Required for operators.',
  })
  @ValidateIf((o: CreateOrganisationDto) => o.kind === 'operator' || o.operatorKind !== undefined)
  @IsIn(OPERATOR_KINDS)
  operatorKind?: OperatorKind;

  @ApiPropertyOptional({
    enum: DEPARTMENT_KINDS,
    description:
      'Departments only: which authority this is (default ' +
      'protection-department). Decides which reports reach its inbox.',
  })
  @IsOptional()
  @IsIn(DEPARTMENT_KINDS)
  departmentKind?: DepartmentKind;

  @ApiPropertyOptional({
    example: '31',
    description:
      'Province-level region, GB/T 2260 two-digit code: where an operator is ' +
      'located, or what a provincial cyberspace or public-security ' +
      'department covers (required for those two kinds)',
  })
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must be a two-digit GB/T 2260 province code such as 31 or 44' })
  region?: string;
}

/** What a platform admin may change on an existing organisation: where reports find it. */
export class UpdateOrganisationDto {
  @ApiPropertyOptional({
    enum: SECTORS,
    description: "The sector: decides which protection department receives the operator's reports and warns it",
  })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @ApiPropertyOptional({ enum: OPERATOR_KINDS, description: 'Operators only; decides the reporting rules' })
  @IsOptional()
  @IsIn(OPERATOR_KINDS)
  operatorKind?: OperatorKind;

  @ApiPropertyOptional({ enum: DEPARTMENT_KINDS, description: 'Departments only' })
  @IsOptional()
  @IsIn(DEPARTMENT_KINDS)
  departmentKind?: DepartmentKind;

  @ApiPropertyOptional({
    type: String,
    example: '31',
    nullable: true,
    description: 'GB/T 2260 two-digit province code; null clears it',
  })
  @ValidateIf((o: UpdateOrganisationDto) => o.region !== null)
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must be a two-digit GB/T 2260 province code such as 31 or 44' })
  region?: string | null;
}

export class CreateUserDto {
  @ApiProperty({ example: '张伟' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'zhang.wei@example.cn' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    description:
      `An account for a program, not a person: an admin issues its ` +
      `tokens directly. Roles: ${SERVICE_ACCOUNT_ROLES.join(', ')}. Default false.`,
  })
  @IsOptional()
  @IsBoolean()
  serviceAccount?: boolean;

  @ApiPropertyOptional({
    example: 'zhang.wei',
    description:
      "A person's console sign-in name: 3-64 characters a-z 0-9 . _ - (upper case is lowered), unique. " +
      'Not for service accounts.',
  })
  @IsOptional()
  @Transform(lowerCase)
  @IsUsername()
  username?: string;

  @ApiPropertyOptional({
    format: 'password',
    description:
      `The first password, to hand to the person (needs username): at least ${PASSWORD_MIN_LENGTH} characters, ` +
      'not the username. They must change it when they first sign in.',
  })
  @IsOptional()
  @IsString()
  initialPassword?: string;
}

/** An admin's reset of a person's password (and, for a person who has none yet, their username). */
export class ResetPasswordDto {
  @ApiProperty({
    format: 'password',
    description:
      `The new initial password, to hand to the person: at least ${PASSWORD_MIN_LENGTH} characters, not the ` +
      'username. They must change it when they next sign in; their sessions end now.',
  })
  @IsString()
  initialPassword!: string;

  @ApiPropertyOptional({
    example: 'zhang.wei',
    description: 'Only for a person who has no username yet (one created before sign-in existed): gives them this one',
  })
  @IsOptional()
  @Transform(lowerCase)
  @IsUsername()
  username?: string;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'SOC laptop' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class OrganisationView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ORG_KINDS }) kind!: OrgKind;
  @ApiProperty({ enum: SECTORS }) sector!: Sector;
  @ApiPropertyOptional({ enum: OPERATOR_KINDS, nullable: true }) operatorKind!: OperatorKind | null;
  @ApiPropertyOptional({ enum: DEPARTMENT_KINDS, nullable: true }) departmentKind!: DepartmentKind | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '31' }) region!: string | null;
  @ApiProperty() isPlatform!: boolean;
  @ApiProperty({
    description: 'Everyone of the organisation signs in to the console with a second factor (admins always do)',
  })
  requireTwoFactor!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Internal host naming patterns (see sharing-settings); null = none',
  })
  internalHostPatterns!: string[] | null;
}

export class UserView {
  @ApiProperty() id!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ description: 'An account for a program; see CreateUserDto' }) serviceAccount!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Console sign-in name; null when none' })
  username!: string | null;
  @ApiProperty({ description: 'A console password is set' }) hasPassword!: boolean;
  @ApiProperty({ description: 'A second factor (TOTP) is confirmed' }) twoFactorEnrolled!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'When an admin disabled the user; null while enabled' })
  disabledAt!: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({
    enum: ROLES,
    description: "A new role, one the organisation's kind has (a service account: responder or viewer only)",
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    description:
      'true disables the user: their console sessions end, they cannot sign in and their tokens stop working; ' +
      'false enables them again (their tokens work again)',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class TokenView {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() name!: string;
  @ApiProperty({
    description:
      'Non-secret handle issued with the token (`lf_` and 8 characters), to ' +
      'tell tokens apart: the start of a generated token; for the bootstrap ' +
      'token a handle not taken from it',
  })
  prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: string | null;
}

export class IssuedTokenView extends TokenView {
  @ApiProperty({ description: 'The token itself. Shown once; only its hash is stored.' })
  token!: string;
}

function firstPatternProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    const problem = hostPatternProblem(value[i]);
    if (problem) return `internalHostPatterns[${i}] ${JSON.stringify(String(value[i]).slice(0, 80))} ${problem}`;
  }
  return undefined;
}

/** Settings of an organisation's threat-information sharing (STIX exports). */
export class SharingSettingsDto {
  @ApiProperty({
    type: [String],
    example: ['trade-app-*', 'dc##', '*.prod.example'],
    description:
      'Internal host naming patterns: desensitised exports replace matching host names and drop indicators on them. ' +
      ('`*` any run of host-name characters, `?` one character, `#` one ' +
        'digit; letters, digits, `-`, `_`, `.` literal; case-insensitive, ' +
        'whole name. ') +
      (`At most ${MAX_HOST_PATTERNS} patterns of 1-64 characters, ` +
        `at most 3 "*" and at least two letters or digits each.`),
  })
  @IsArray()
  @ArrayMaxSize(MAX_HOST_PATTERNS)
  @ValidateBy({
    name: 'hostPatterns',
    validator: {
      validate: (value: unknown) => firstPatternProblem(value) === undefined,
      defaultMessage: (args) => firstPatternProblem(args?.value) ?? 'internalHostPatterns is invalid',
    },
  })
  internalHostPatterns!: string[];
}

export class SecuritySettingsDto {
  @ApiProperty({
    description:
      'Everyone of the organisation must sign in to the console with a second factor; sessions without one are ' +
      'restricted to enrolling it at once (admins always need one)',
  })
  @IsBoolean()
  requireTwoFactor!: boolean;
}

export class SecuritySettingsView {
  @ApiProperty() orgId!: string;
  @ApiProperty() requireTwoFactor!: boolean;
}

export class SharingSettingsView {
  @ApiProperty() orgId!: string;
  @ApiProperty({ type: [String] }) internalHostPatterns!: string[];
}

export class EnrolmentView {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty({ description: 'Non-secret handle of the code (`lfe_` and 8 characters)' }) prefix!: string;
  @ApiProperty({
    description: 'The one-time code, shown once: hand it to the person, who redeems it for their own token',
  })
  code!: string;
  @ApiProperty() expiresAt!: string;
}

export class RedeemEnrolmentDto {
  @ApiProperty({ description: 'The enrolment code an admin handed you' })
  @IsString()
  @Length(1, 200)
  code!: string;

  @ApiProperty({ example: 'SOC laptop', description: 'A name for the token, to tell your tokens apart' })
  @IsString()
  @Length(1, 200)
  tokenName!: string;
}

export class MeView {
  @ApiProperty() userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty() orgName!: string;
  @ApiProperty({ enum: ORG_KINDS }) orgKind!: OrgKind;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() serviceAccount!: boolean;
  @ApiProperty() isPlatformAdmin!: boolean;
  @ApiProperty({ type: String, nullable: true, description: "A person's console sign-in name; null when none" })
  username!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The token this request was made with; null for a console session',
  })
  tokenId!: string | null;
  @ApiProperty({ description: "The server's clock (ISO 8601 UTC), to correct a countdown for the browser's clock" })
  serverTime!: string;
}
