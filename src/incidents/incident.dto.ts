import { PageQuery } from '../http/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsZonedTimestamp } from '../http/timestamp';
import { GRADES, type Grade } from '../common/roles';
import {
  DATA_THREATS,
  SITE_KINDS,
  SPREAD_DETERMINATIONS,
  type DataThreat,
  type SiteKind,
  type SpreadDetermination,
} from '../requirements/types';

const MINUTES = 'minutes (0 or more, fractions allowed)';
const HOURS = 'hours (0 or more, fractions allowed)';

/**
 * Impact facts entered at declaration; they feed the grade suggestion. All optional. One property per
 * fact of requirements/grade-suggestion.yaml, i.e. what the grading guide measures (a unit test keeps
 * the two in step). Names and units: see the README of the repository, "Grade suggestion facts".
 */
export class ImpactFactsDto {
  @ApiPropertyOptional({ description: `Outage of the CII as a whole, ${MINUTES}`, example: 45, minimum: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  ciiWholeOutageMinutes?: number;

  @ApiPropertyOptional({ description: `Outage of the CII's main functions, ${MINUTES}`, example: 30, minimum: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  ciiMainFunctionOutageMinutes?: number;

  @ApiPropertyOptional({
    enum: SITE_KINDS,
    description:
      'Kind of website that cannot be reached: provincial-or-higher / ' +
      'prefecture-level party or government portal, central / provincial key ' +
      'news site, other',
  })
  @IsOptional()
  @IsIn(SITE_KINDS)
  siteKind?: SiteKind;

  @ApiPropertyOptional({
    description: `How long that website could not be reached through attack or failure, ${HOURS}`,
    example: 6,
    minimum: 0,
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  siteUnreachableHours?: number;

  @ApiPropertyOptional({
    description: 'Share (%) of the population of the province(s) concerned whose work or life is affected',
    minimum: 0,
    maximum: 100,
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  provincePopulationSharePercent?: number;

  @ApiPropertyOptional({
    description: 'Share (%) of the population of the prefecture(s) concerned whose work or life is affected',
    minimum: 0,
    maximum: 100,
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  prefecturePopulationSharePercent?: number;

  @ApiPropertyOptional({
    description: 'People whose water, power, gas, fuel, heating, transport, medical care, shopping etc. are affected',
    minimum: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  peopleServicesAffected?: number;

  @ApiPropertyOptional({
    enum: DATA_THREATS,
    description:
      'Threat to national security and social stability from data lost, ' +
      'leaked, stolen, tampered with or forged (特别严重 / 严重 / 较严重 / 一定); the ' +
      'guide grades by the threat, not by the class of data',
  })
  @IsOptional()
  @IsIn(DATA_THREATS)
  dataThreat?: DataThreat;

  @ApiPropertyOptional({
    description: 'Persons (not records) whose personal information leaked',
    example: 1_000_000,
    minimum: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  personalInfoPersons?: number;

  @ApiPropertyOptional({
    description: `Defacement: how long the content stayed on the home page, ${HOURS}`,
    minimum: 0,
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  defacementHomePageHours?: number;

  @ApiPropertyOptional({ description: `Defacement: how long the content stayed on another page, ${HOURS}`, minimum: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  defacementOtherPageHours?: number;

  @ApiPropertyOptional({ description: 'Defacement: reposts on social platforms', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  defacementReposts?: number;

  @ApiPropertyOptional({ description: 'Defacement: views or clicks', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  defacementViews?: number;

  @ApiPropertyOptional({
    enum: SPREAD_DETERMINATIONS,
    description:
      'Spread as determined by a provincial-or-higher cyberspace or public-security authority (特大范围 / 大范围 / 较大范围)',
  })
  @IsOptional()
  @IsIn(SPREAD_DETERMINATIONS)
  defacementSpreadDetermined?: SpreadDetermination;

  @ApiPropertyOptional({ description: 'Direct economic loss in CNY', minimum: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  economicLossCny?: number;
}

export class CreateIncidentDto {
  @ApiProperty({ example: '核心交易系统遭勒索软件加密' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiPropertyOptional({ example: 'Files on three application servers were encrypted at 02:10.' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ example: 'ransomware', description: 'Category code from GET /api/v1/taxonomy' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a category code such as ransomware' })
  category!: string;

  @ApiProperty({ enum: GRADES, description: 'I 特别重大, II 重大, III 较大, IV 一般' })
  @IsIn(GRADES)
  grade!: Grade;

  @ApiProperty({
    example: '2026-11-25T10:10:00+08:00',
    format: 'date-time',
    description: 'Discovery time, with an offset or Z; reporting clocks start here',
  })
  @IsZonedTimestamp()
  detectedAt!: string;

  @ApiPropertyOptional({
    example: '2026-11-25T09:55:00+08:00',
    format: 'date-time',
    description: 'With an offset or Z',
  })
  @IsOptional()
  @IsZonedTimestamp()
  occurredAt?: string;

  @ApiPropertyOptional({ type: [String], example: ['trade-app-01', 'trade-db-01'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  affectedSystems?: string[];

  @ApiPropertyOptional({ type: [String], example: ['online securities trading'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  affectedBusiness?: string[];

  @ApiPropertyOptional({ description: 'An emergency drill (应急演练): same workflow, never counted as real' })
  @IsOptional()
  @IsBoolean()
  drill?: boolean;

  @ApiPropertyOptional({ type: ImpactFactsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ImpactFactsDto)
  impact?: ImpactFactsDto;
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListIncidentsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Top-level workflow state' })
  @IsOptional()
  @IsIn(['triage', 'response', 'review', 'reidentification', 'closed', 'dismissed'])
  state?: string;

  @ApiPropertyOptional({ enum: GRADES })
  @IsOptional()
  @IsIn(GRADES)
  grade?: Grade;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a category code' })
  category?: string;

  @ApiPropertyOptional({ example: 'INC-2026-000042' })
  @IsOptional()
  @Matches(/^INC-\d{4}-\d{6}$/, { message: 'reference must look like INC-2026-000042' })
  reference?: string;

  @ApiPropertyOptional({ description: 'true: drills only; false: real incidents only' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  drill?: boolean;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Detected at or after (ISO 8601 with an offset or Z; write + as %2B in a query)',
  })
  @IsOptional()
  @IsZonedTimestamp()
  detectedFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Detected before (ISO 8601 with an offset or Z; write + as %2B in a query)',
  })
  @IsOptional()
  @IsZonedTimestamp()
  detectedTo?: string;
}
