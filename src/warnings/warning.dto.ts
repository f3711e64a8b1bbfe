import { PageQuery, IsZonedTimestamp } from '../http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { WARNING_LEVELS, type WarningLevel } from '../../workflows/types';
import { SECTORS, type Sector } from '../common';
import { IndicatorInputDto } from '../sharing';
import { TARGET_ANSWERS, type TargetAnswer } from './target-answers';

export class CreateWarningDto {
  @ApiProperty({ example: '针对电力调度系统的勒索软件攻击活动预警' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiProperty({ enum: WARNING_LEVELS, description: 'red 红 / orange 橙 / yellow 黄 / blue 蓝' })
  @IsIn(WARNING_LEVELS as unknown as WarningLevel[])
  level!: WarningLevel;

  @ApiProperty({ example: 'A ransomware group is exploiting an unpatched VPN appliance in the energy sector.' })
  @IsString()
  @Length(1, 20000)
  threatDescription!: string;

  @ApiPropertyOptional({ type: [String], example: ['Patch the VPN appliance', 'Block the listed addresses'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  recommendedActions?: string[];

  @ApiPropertyOptional({ type: [IndicatorInputDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => IndicatorInputDto)
  indicators?: IndicatorInputDto[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'Indicators your TAXII subscriptions delivered (ids from GET /api/v1/taxii-subscriptions/{id}/indicators); ' +
      'one marked TLP:RED or AMBER+STRICT cannot go to a whole sector (400)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  feedIndicatorIds?: string[];

  @ApiPropertyOptional({
    enum: SECTORS,
    isArray: true,
    description: 'Warn every operator of the sector; a department may name only its own sector',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(SECTORS as unknown as Sector[], { each: true })
  sectors?: Sector[];

  @ApiPropertyOptional({
    type: [String],
    description: "Specific operators (organisation ids) of the department's own sector",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  operatorIds?: string[];

  @ApiPropertyOptional({
    example: 'PT6H',
    description: 'Feedback window (ISO 8601 duration); default per level from the catalogue',
  })
  @IsOptional()
  @IsString()
  @Length(2, 40)
  feedbackWithin?: string;

  @ApiPropertyOptional({
    example: '2026-11-26T12:00:00Z',
    format: 'date-time',
    description: 'Absolute feedback deadline (with an offset or Z), instead of feedbackWithin',
  })
  @IsOptional()
  @IsZonedTimestamp()
  feedbackDueAt?: string;

  @ApiPropertyOptional({ description: 'An exercise (演练): everything about it is marked drill' })
  @IsOptional()
  @IsBoolean()
  drill?: boolean;
}

/** For OpenAPI only: `stix` is taken out of the body before validation and parsed as untrusted STIX. */
export class CreateWarningBody extends CreateWarningDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "A STIX 2.1 bundle whose indicators become the warning's indicators",
  })
  stix?: Record<string, unknown>;
}

export class ListWarningsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: drills only; false: real warnings only' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  drill?: boolean;
}

export class ListWarningTargetsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: TARGET_ANSWERS,
    description: 'Only operators whose feedback is overdue, pending (not yet due), late or answered in time',
  })
  @IsOptional()
  @IsIn(TARGET_ANSWERS)
  answer?: TargetAnswer;
}

export class ListWarningChoicesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only operators whose name contains this text (any case)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}
