import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators';
import { AuditService } from './audit.service';

class BrokenLinkView {
  @ApiProperty() seq!: number;
  @ApiProperty({
    enum: ['seq-gap', 'prev-hash-mismatch', 'payload-digest-mismatch', 'hash-mismatch', 'head-mismatch', 'behind-witness', 'witness-mismatch', 'witness-invalid', 'report-head-mismatch'],
  })
  reason!: string;
  @ApiPropertyOptional() action?: string;
  @ApiPropertyOptional() at?: string;
}

class WitnessView {
  @ApiProperty({ enum: ['valid', 'absent', 'invalid'], description: 'The witness file beside the audit key (AUDIT_WITNESS_FILE)' }) state!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The highest entry this deployment is known to have committed' }) seq!: number | null;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() problem?: string;
}

class BrokenReportHeadView {
  @ApiProperty() reportId!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() seq!: number;
}

class ReportHeadsView {
  @ApiProperty({ description: 'Submitted reports whose audit head was checked against the chain' }) checked!: number;
  @ApiProperty({ type: [BrokenReportHeadView], description: 'Reports whose recipients hold a head the chain no longer has' }) broken!: BrokenReportHeadView[];
}

class VerifyView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Entries checked and found intact' }) entries!: number;
  @ApiPropertyOptional({ nullable: true }) headSeq!: number | null;
  @ApiPropertyOptional({ type: BrokenLinkView }) firstBroken?: BrokenLinkView;
  @ApiProperty({ type: WitnessView }) witness!: WitnessView;
  @ApiProperty({ type: ReportHeadsView }) reportHeads!: ReportHeadsView;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('verify')
  @Roles('admin', 'leader', 'department-officer')
  @ApiOperation({ summary: 'Walk the whole hash chain and name the first broken entry' })
  @ApiOkResponse({ type: VerifyView })
  verify() {
    return this.audit.verify();
  }
}
