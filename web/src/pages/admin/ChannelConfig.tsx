import { Form, Input } from 'antd';
import { useI18n } from '../../i18n';

/** An example config per channel, offered when the channel is chosen (the API names any field at fault). */
export const CONFIG_EXAMPLES: Record<string, Record<string, unknown>> = {
  webhook: { url: 'https://siem.example.cn/hooks/lianfang' },
  email: { host: 'smtp.example.cn', port: 465, secure: true, from: 'lianfang@example.cn', to: ['soc@example.cn'] },
  wecom: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' },
  dingtalk: { url: 'https://oapi.dingtalk.com/robot/send?access_token=…' },
  feishu: { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/…' },
};

export const configText = (config: Record<string, unknown>) => JSON.stringify(config, null, 2);

/** The config as JSON text, checked to be a JSON object before it is sent. */
export function ConfigField() {
  const { t } = useI18n();
  return (
    <Form.Item
      label={t('admin.channel.config')}
      name="config"
      extra={t('admin.channel.configHelp')}
      rules={[
        { required: true, message: t('admin.required') },
        {
          validator: (_, v?: string) => {
            if (!v) return Promise.resolve();
            try {
              const parsed = JSON.parse(v) as unknown;
              if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return Promise.resolve();
            } catch {
              // Falls through to the refusal below.
            }
            return Promise.reject(new Error(t('admin.channel.configInvalid')));
          },
        },
      ]}
    >
      <Input.TextArea rows={6} spellCheck={false} style={{ fontFamily: 'monospace' }} />
    </Form.Item>
  );
}

/** A secret field that never shows the stored secret: empty keeps it. */
export function SecretField({ hasSecret }: { hasSecret: boolean }) {
  const { t } = useI18n();
  return (
    <Form.Item
      label={t('admin.channel.secret')}
      name="secret"
      extra={hasSecret ? t('admin.channel.secretKept') : t('admin.channel.secretHelp')}
    >
      <Input.Password autoComplete="new-password" placeholder={hasSecret ? '••••••••' : ''} />
    </Form.Item>
  );
}
