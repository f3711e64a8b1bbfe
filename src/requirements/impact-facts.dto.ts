import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import {
  DATA_THREATS,
  SITE_KINDS,
  SPREAD_DETERMINATIONS,
  type DataThreat,
  type SiteKind,
  type SpreadDetermination,
} from './types';

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
