import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { PROVIDER_SERVICES, type ProviderService } from './service-provider.entity';

const PHONE = /^[0-9+()\- ]{3,40}$/;

export class CreateServiceProviderDto {
  @ApiProperty({ example: '某某安全技术有限公司' }) @IsString() @Length(1, 200) name!: string;

  @ApiProperty({ enum: PROVIDER_SERVICES, isArray: true, example: ['security', 'operations'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROVIDER_SERVICES.length)
  @IsIn(PROVIDER_SERVICES, { each: true })
  services!: ProviderService[];

  @ApiProperty({ example: '李娜' }) @IsString() @Length(1, 200) contactName!: string;

  @ApiPropertyOptional({ example: '+86 21 5555 0100' })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'phone may hold digits, spaces and + ( ) - only (3-40 characters)' })
  phone?: string;

  @ApiPropertyOptional({ example: 'soc@provider.example.cn' }) @IsOptional() @IsEmail() @Length(3, 320) email?: string;

  @ApiPropertyOptional({ example: 'HT-2026-017' }) @IsOptional() @IsString() @Length(1, 200) contractReference?: string;

  @ApiPropertyOptional({
    description: 'The contract obliges the provider to report incidents to us (NCIRM-2025-providers). Default false.',
  })
  @IsOptional()
  @IsBoolean()
  reportingClause?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 2000) notes?: string;
}

export class UpdateServiceProviderDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ enum: PROVIDER_SERVICES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROVIDER_SERVICES.length)
  @IsIn(PROVIDER_SERVICES, { each: true })
  services?: ProviderService[];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) contactName?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((o: UpdateServiceProviderDto) => o.phone !== null)
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'phone may hold digits, spaces and + ( ) - only (3-40 characters)' })
  phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((o: UpdateServiceProviderDto) => o.email !== null)
  @IsOptional()
  @IsEmail()
  @Length(3, 320)
  email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((o: UpdateServiceProviderDto) => o.contractReference !== null)
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contractReference?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() reportingClause?: boolean;
  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((o: UpdateServiceProviderDto) => o.notes !== null)
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  notes?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class ServiceProviderView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PROVIDER_SERVICES, isArray: true }) services!: ProviderService[];
  @ApiProperty() contactName!: string;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) contractReference!: string | null;
  @ApiProperty() reportingClause!: boolean;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
