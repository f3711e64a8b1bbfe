import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { isIPv4, isIPv6 } from 'node:net';
import { SHARED_INDICATOR_TYPES, type SharedIndicatorType } from './stix';

export { normaliseIndicatorValue } from './stix';

/** One indicator as typed in by a person (incident indicators, warning indicators). */
export class IndicatorInputDto {
  @ApiProperty({ enum: SHARED_INDICATOR_TYPES, example: 'ipv4-addr' })
  @IsIn(SHARED_INDICATOR_TYPES as SharedIndicatorType[])
  type!: SharedIndicatorType;

  @ApiProperty({
    example: '203.0.113.7',
    description: 'An address (CIDR allowed), domain, URL, SHA-256/MD5 hex, or e-mail address, per type',
  })
  @IsString()
  @Length(1, 2048)
  value!: string;

  @ApiPropertyOptional({ example: 'C2 server contacted by the encryptor' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;
}

const DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}\.?$/;

/**
 * Why `value` is not a `type` indicator, or null when it is one. Stricter than the STIX import's
 * plausibility check, because a person can fix a typo; an imported bundle cannot be fixed by us.
 */
export function indicatorValueProblem(type: SharedIndicatorType, value: string): string | null {
  if (value.trim() !== value || value.length === 0) return 'value must not be empty or have surrounding spaces';
  const cidr = (max: number) => {
    const [address, prefix, ...rest] = value.split('/');
    const okPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    return { address, ok: rest.length === 0 && okPrefix };
  };
  switch (type) {
    case 'ipv4-addr': {
      const { address, ok } = cidr(32);
      return ok && isIPv4(address) ? null : 'value must be an IPv4 address or CIDR block, e.g. 203.0.113.7';
    }
    case 'ipv6-addr': {
      const { address, ok } = cidr(128);
      return ok && isIPv6(address) ? null : 'value must be an IPv6 address or CIDR block, e.g. 2001:db8::1';
    }
    case 'domain-name':
      return DOMAIN.test(value) ? null : 'value must be a domain name, e.g. evil.example.com';
    case 'url':
      try {
        const u = new URL(value);
        return u.protocol.length > 1 && u.host ? null : 'value must be an absolute URL with a host';
      } catch {
        return 'value must be an absolute URL, e.g. https://evil.example.com/payload';
      }
    case 'file-sha256':
      return /^[0-9A-Fa-f]{64}$/.test(value) ? null : 'value must be a SHA-256 hash: 64 hexadecimal characters';
    case 'file-md5':
      return /^[0-9A-Fa-f]{32}$/.test(value) ? null : 'value must be an MD5 hash: 32 hexadecimal characters';
    case 'email-addr':
      return /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'value must be an e-mail address';
  }
}
