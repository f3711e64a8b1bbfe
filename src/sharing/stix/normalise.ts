import ipaddr from 'ipaddr.js';
import type { SharedIndicatorType } from './stix-types';

/**
 * One spelling per indicator, so the same value typed or received twice is recognised as one:
 * hashes and domain names lower-case (both compare case-insensitively), a domain's trailing root
 * dot dropped (`evil.example.` is `evil.example`), an e-mail address's domain lower-case (the
 * local part is the mailbox owner's and may be case-sensitive), an IPv6 address in its RFC 5952
 * form. IPv4 addresses, CIDR prefixes and URLs stay as given. Assumes a plausible value of the type.
 */
export function normaliseIndicatorValue(type: SharedIndicatorType, value: string): string {
  switch (type) {
    case 'file-sha256':
    case 'file-md5':
      return value.toLowerCase();
    case 'domain-name':
      return value.toLowerCase().replace(/\.+$/, '');
    case 'email-addr': {
      const at = value.lastIndexOf('@');
      return at < 0
        ? value
        : `${value.slice(0, at)}@${value
            .slice(at + 1)
            .toLowerCase()
            .replace(/\.+$/, '')}`;
    }
    case 'ipv6-addr': {
      const [address, prefix] = value.split('/');
      if (!ipaddr.IPv6.isValid(address)) return value;
      const text = ipaddr.IPv6.parse(address).toRFC5952String();
      return prefix === undefined ? text : `${text}/${prefix}`;
    }
    default:
      return value;
  }
}
