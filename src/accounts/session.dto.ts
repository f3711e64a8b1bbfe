import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { ORG_KINDS, ROLES, type OrgKind, type Role } from '../common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords';

/** What keeps a session from the rest of the API until it is done (`restricted`). */
export const RESTRICTIONS = ['password-change-required', 'second-factor-enrolment-required'] as const;
export type Restriction = (typeof RESTRICTIONS)[number];

export class SignInDto {
  @ApiProperty({ example: 'zhang.wei', description: 'Case does not matter' })
  @IsString()
  @Length(1, 320)
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({
    example: '123456',
    description: 'The 6-digit code of your authenticator app, once the answer was second-factor-required',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  code?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({
    format: 'password',
    description: `At least ${PASSWORD_MIN_LENGTH} characters, not the username, not the current password`,
  })
  @IsString()
  newPassword!: string;
}

export class ConfirmTotpDto {
  @ApiProperty({ example: '123456', description: 'The current code of the authenticator app just set up' })
  @IsString()
  @MaxLength(20)
  code!: string;
}

export class TotpEnrolmentView {
  @ApiProperty({ description: 'The TOTP secret (base32), for typing into an app that cannot scan the QR code' })
  secret!: string;
  @ApiProperty({ example: 'otpauth://totp/lianfang:zhang.wei?secret=…&issuer=lianfang' }) otpauthUri!: string;
  @ApiProperty({
    description: 'The otpauth URI as a QR code, a data: URL of a PNG image',
    example: 'data:image/png;base64,…',
  })
  qrCodeDataUrl!: string;
}

export class SessionUserView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() orgId!: string;
  @ApiProperty() orgName!: string;
  @ApiProperty({ enum: ORG_KINDS }) orgKind!: OrgKind;
  @ApiProperty() isPlatformAdmin!: boolean;
}

export class TwoFactorView {
  @ApiProperty({ description: 'A second factor (TOTP) is confirmed for this person' }) enrolled!: boolean;
  @ApiProperty({ description: 'This person must use one: every admin, and everyone of an organisation requiring it' })
  required!: boolean;
}

export class SessionView {
  @ApiProperty({ type: SessionUserView }) user!: SessionUserView;

  @ApiProperty({
    description:
      'Send it as the X-CSRF-Token header with every request that is not GET, HEAD or OPTIONS; the same for the ' +
      'whole session',
  })
  csrfToken!: string;

  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty({ type: TwoFactorView }) twoFactor!: TwoFactorView;

  @ApiProperty({
    enum: RESTRICTIONS,
    nullable: true,
    description:
      'Until null, every other route answers 403 with this code: only the /session routes and GET /me work. ' +
      'A password change comes first, then the second-factor enrolment.',
  })
  restricted!: Restriction | null;

  @ApiProperty({ description: 'When the session ends without a further request (ISO 8601 UTC)' })
  idleExpiresAt!: string;

  @ApiProperty({ description: 'When the session ends however active it is (ISO 8601 UTC)' })
  absoluteExpiresAt!: string;

  @ApiProperty({ description: "The server's clock (ISO 8601 UTC), to correct a countdown for the browser's clock" })
  serverTime!: string;
}
