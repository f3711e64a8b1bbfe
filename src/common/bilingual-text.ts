import { ApiProperty } from '@nestjs/swagger';

/** Text in Chinese and English, as the catalogue, playbooks and reporting rules give it (response documentation). */
export class BilingualText {
  @ApiProperty({ example: '向保护工作部门和公安机关报告事件' }) zh!: string;
  @ApiProperty({ example: 'Report incidents to the protection department and public security' }) en!: string;
}
