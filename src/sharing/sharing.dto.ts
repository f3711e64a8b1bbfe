import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { TLP_LEVELS, type TlpLevel } from './stix';

export class StixExportQuery {
  @ApiProperty({ enum: TLP_LEVELS, description: 'TLP 2.0 level the sharer chooses; every object is marked with it' })
  @IsIn(TLP_LEVELS as TlpLevel[], { message: `tlp must be one of ${TLP_LEVELS.join(', ')}` })
  tlp!: TlpLevel;

  @ApiPropertyOptional({
    default: true,
    description:
      "Remove internal host names, private addresses, personal data and the organisation's identity before export",
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'desensitise must be true or false' })
  desensitise?: boolean;
}

/** A STIX 2.1 bundle: its objects as the STIX 2.1 specification defines them. */
export class StixBundleView {
  @ApiProperty({ enum: ['bundle'] }) type!: string;
  @ApiProperty({ example: 'bundle--6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6' }) id!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'STIX Domain, Relationship and Marking Definition objects (identity, indicator, report, …)',
  })
  objects!: Array<Record<string, unknown>>;
}

export class IndicatorView {
  @ApiProperty() id!: string;
  @ApiProperty() incidentId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() value!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}
