import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { OPERATOR_KINDS, ORG_KINDS, ROLES, SECTORS, SERVICE_ACCOUNT_ROLES, type OperatorKind, type OrgKind, type Role, type Sector } from '../common/roles';

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

  @ApiPropertyOptional({ enum: OPERATOR_KINDS, description: 'Operators only; decides the reporting rules. Required for operators.' })
  @ValidateIf((o: CreateOrganisationDto) => o.kind === 'operator' || o.operatorKind !== undefined)
  @IsIn(OPERATOR_KINDS)
  operatorKind?: OperatorKind;
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
    default: false,
    description: `An account for a program, not a person: an admin issues its tokens directly. Roles: ${SERVICE_ACCOUNT_ROLES.join(', ')}.`,
  })
  @IsOptional()
  @IsBoolean()
  serviceAccount?: boolean;
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
  @ApiProperty() isPlatform!: boolean;
  @ApiProperty() createdAt!: string;
}

export class UserView {
  @ApiProperty() id!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true }) email!: string | null;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ description: 'An account for a program; see CreateUserDto' }) serviceAccount!: boolean;
  @ApiProperty() createdAt!: string;
}

export class TokenView {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Non-secret handle issued with the token (`lf_` and 8 characters), to tell tokens apart: the start of a generated token; for the bootstrap token a handle not taken from it' }) prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) revokedAt!: string | null;
}

export class IssuedTokenView extends TokenView {
  @ApiProperty({ description: 'The token itself. Shown once; only its hash is stored.' })
  token!: string;
}

export class EnrolmentView {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty({ description: 'Non-secret handle of the code (`lfe_` and 8 characters)' }) prefix!: string;
  @ApiProperty({ description: 'The one-time code, shown once: hand it to the person, who redeems it for their own token' }) code!: string;
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
  @ApiProperty({ description: 'The token this request was made with' }) tokenId!: string;
}
