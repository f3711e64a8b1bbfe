import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// TAXII 2.1 resources (OASIS TAXII 2.1, section 3 and 4), as this server sends them.

export class TaxiiDiscoveryView {
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'URL of the default API root' }) default!: string;
  @ApiProperty({ type: [String], description: 'URLs of the API roots (one: this service)' }) api_roots!: string[];
}

export class TaxiiApiRootView {
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], example: ['application/taxii+json;version=2.1'] }) versions!: string[];
  @ApiProperty({ description: 'Largest request body accepted, in bytes' }) max_content_length!: number;
}

export class TaxiiCollectionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty() can_read!: boolean;
  @ApiProperty() can_write!: boolean;
  @ApiProperty({ type: [String], example: ['application/stix+json;version=2.1'] }) media_types!: string[];
}

export class TaxiiCollectionsView {
  @ApiProperty({ type: [TaxiiCollectionView] }) collections!: TaxiiCollectionView[];
}

export class TaxiiEnvelopeView {
  @ApiProperty({ description: 'More objects match: ask again with `next`' }) more!: boolean;
  @ApiPropertyOptional({ description: 'Pass as `next` for the following page' }) next?: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'STIX 2.1 objects, oldest `date_added` first',
  })
  objects!: Array<Record<string, unknown>>;
}

export class TaxiiManifestRecordView {
  @ApiProperty() id!: string;
  @ApiProperty() date_added!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ example: 'application/stix+json;version=2.1' }) media_type!: string;
}

export class TaxiiManifestView {
  @ApiProperty() more!: boolean;
  @ApiPropertyOptional() next?: string;
  @ApiProperty({ type: [TaxiiManifestRecordView] }) objects!: TaxiiManifestRecordView[];
}

export class TaxiiVersionsView {
  @ApiProperty() more!: boolean;
  @ApiPropertyOptional() next?: string;
  @ApiProperty({ type: [String], description: "The object's versions (`modified`), oldest first" })
  versions!: string[];
}

export class TaxiiStatusDetailView {
  @ApiProperty() id!: string;
  @ApiProperty() version!: string;
  @ApiPropertyOptional() message?: string;
}

export class TaxiiStatusView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['pending', 'complete'] }) status!: string;
  @ApiProperty() request_timestamp!: string;
  @ApiProperty() total_count!: number;
  @ApiProperty() success_count!: number;
  @ApiProperty({ type: [TaxiiStatusDetailView] }) successes!: TaxiiStatusDetailView[];
  @ApiProperty() failure_count!: number;
  @ApiProperty({ type: [TaxiiStatusDetailView] }) failures!: TaxiiStatusDetailView[];
  @ApiProperty() pending_count!: number;
  @ApiProperty({ type: [TaxiiStatusDetailView] }) pendings!: TaxiiStatusDetailView[];
}

/** TAXII's error message resource (section 3.6.1). */
export class TaxiiErrorView {
  @ApiProperty() title!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ description: 'The request id, for the service log' }) error_id?: string;
  @ApiPropertyOptional({ description: 'A machine code where there is one (too-many-objects, schema, …)' })
  error_code?: string;
  @ApiProperty() http_status!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Per field or object, what is wrong',
  })
  details?: Record<string, unknown>;
}
