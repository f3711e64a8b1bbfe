import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators';
import { AuditService } from './audit.service';

class BrokenLinkView {
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: ['seq-gap', 'prev-hash-mismatch', 'payload-digest-mismatch', 'hash-mismatch', 'head-mismatch'] }) reason!: string;
  @ApiPropertyOptional() action?: string;
  @ApiPropertyOptional() at?: string;
}

class VerifyView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Entries checked and found intact' }) entries!: number;
  @ApiPropertyOptional({ nullable: true }) headSeq!: number | null;
  @ApiPropertyOptional({ type: BrokenLinkView }) firstBroken?: BrokenLinkView;
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
