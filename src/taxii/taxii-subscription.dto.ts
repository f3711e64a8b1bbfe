import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsOmittable, PageQuery } from '../http';

const AUTHS = ['none', 'bearer', 'basic'] as const;

export class CreateTaxiiSubscriptionDto {
  @ApiProperty({ example: 'National CERT indicators' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    example: 'https://feeds.cert.example/taxii2/api1/',
    description: "The TAXII 2.1 API root's URL (http or https); the deployment's egress policy applies",
  })
  @IsString()
  @Length(1, 2048)
  apiRootUrl!: string;

  @ApiProperty({ example: '91a7b528-80eb-42ed-a74d-c6fbd5a26116', description: 'The collection id at that API root' })
  @IsString()
  @Length(1, 100)
  collectionId!: string;

  @ApiProperty({ enum: AUTHS, description: 'bearer: `secret` is the token; basic: `username` and `secret`' })
  @IsIn(AUTHS as unknown as string[])
  auth!: (typeof AUTHS)[number];

  @ApiPropertyOptional({ description: 'For basic authentication' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  username?: string;

  @ApiPropertyOptional({
    writeOnly: true,
    description: 'Write-only: the token or password, sealed at rest, never returned',
  })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  secret?: string;

  @ApiPropertyOptional({
    example: 'PT1H',
    description: 'ISO 8601 duration between polls; at least TAXII_MIN_POLL_INTERVAL',
  })
  @IsOptional()
  @IsString()
  @Length(2, 40)
  pollEvery?: string;

  @ApiPropertyOptional({ example: 30000, description: 'Time the feed has for one whole answer (1000–120000 ms)' })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(120_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ description: 'Polled on its schedule (default true); a disabled one only when asked' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateTaxiiSubscriptionDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(2, 40) pollEvery?: string;
  @ApiPropertyOptional() @IsOmittable() @IsInt() @Min(1000) @Max(120_000) timeoutMs?: number;
  @ApiPropertyOptional({ writeOnly: true, description: 'Replaces the sealed credential' })
  @IsOmittable()
  @IsString()
  @Length(1, 4096)
  secret?: string;
}

export class FeedIndicatorQuery extends PageQuery {}

export class TaxiiSubscriptionView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() apiRootUrl!: string;
  @ApiProperty() collectionId!: string;
  @ApiProperty({ enum: AUTHS }) auth!: string;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ description: 'Whether a credential is stored (it is never shown)' }) hasSecret!: boolean;
  @ApiProperty() pollEvery!: string;
  @ApiProperty() timeoutMs!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The added_after of the next poll' })
  addedAfter!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastPolledAt!: string | null;
  @ApiProperty({ enum: ['never', 'ok', 'error'] }) lastStatus!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last poll failed, in words' })
  lastError!: string | null;
  @ApiProperty({ description: 'Objects the last poll received' }) lastReceived!: number;
  @ApiProperty({ description: 'Indicators the last poll added' }) lastAdded!: number;
  @ApiProperty({ description: 'Indicators the last poll skipped (revoked, expired, unsupported)' })
  lastSkipped!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class FeedIndicatorView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'ipv4-addr' }) type!: string;
  @ApiProperty() value!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() stixId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'TLP the feed marked it with' }) tlp!: string | null;
  @ApiProperty() receivedAt!: string;
}

export class FeedIndicatorPage {
  @ApiProperty({ type: [FeedIndicatorView] }) items!: FeedIndicatorView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class PollQueuedView {
  @ApiProperty({ description: 'The poll job, queued to run now' }) queued!: boolean;
}
