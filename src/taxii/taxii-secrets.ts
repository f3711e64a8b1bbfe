import type { Provider } from '@nestjs/common';
import type { SecretBox } from '../common';
import { AppConfig, secretsBox } from '../config';

/** The SecretBox that seals TAXII feed credentials: the same key as channel secrets (SECRETS_KEY). */
export const TAXII_SECRETS = Symbol('TAXII_SECRETS');

export const taxiiSecretsProvider: Provider = {
  provide: TAXII_SECRETS,
  inject: [AppConfig],
  useFactory: (config: AppConfig): SecretBox => secretsBox(config),
};
