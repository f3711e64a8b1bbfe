import { Provider } from '@nestjs/common';
import { SecretBox } from '../common';
import { AppConfig, secretsBox } from '../config';

/** The SecretBox that seals channel secrets: SECRETS_KEY, or a key generated once under VAR_DIR/keys. */
export const NOTIFICATION_SECRETS = Symbol('NOTIFICATION_SECRETS');

export const notificationSecretsProvider: Provider = {
  provide: NOTIFICATION_SECRETS,
  inject: [AppConfig],
  useFactory: (config: AppConfig): SecretBox => secretsBox(config),
};
