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

export class IndicatorView {
  @ApiProperty() id!: string;
  @ApiProperty() incidentId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() value!: string;
  @ApiPropertyOptional({ nullable: true }) description!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}
