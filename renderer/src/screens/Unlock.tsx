// The unlock screen: pick an officer whose keystore is on this workstation and enter the passphrase. The call's
// state lives in stores/unlock.ts.
import { useEffect } from 'react';
import { Alert, Button, Card, Form, Input, Select } from 'antd';
import { LockOutlined, UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { failureText } from '../i18n';
import type { IdentityInfo } from '../../../app/contract/api';
import { unwrap, ws } from '../host';
import { unlockActions, useUnlock } from '../stores/unlock';
import { appActions, useApp } from '../stores/app';
import { LanguageSwitch } from '../components/TopBar';
import { shortHex } from '../core/format';

export function Unlock({ identities, onAddOfficer }: { identities: IdentityInfo[]; onAddOfficer: () => void }) {
  const { t } = useTranslation();
  const language = useApp((s) => s.language);
  const [form] = Form.useForm<{ keyId: string; passphrase: string }>();
  const error = useUnlock((s) => s.error);
  const busy = useUnlock((s) => s.busy);
  useEffect(() => () => unlockActions.reset(), []);

  const submit = async (v: { keyId: string; passphrase: string }) => {
    if (!(await unlockActions.unlock(v))) form.setFieldValue('passphrase', '');
  };

  return (
    <main className="setup">
      <Card
        className="setup-card"
        style={{ width: 480 }}
        title={
          <span style={{ fontSize: 16 }}>
            <LockOutlined /> {t('unlock.title')}
          </span>
        }
        extra={<LanguageSwitch value={language} onChange={(l) => void unwrap(ws().settings.update({ language: l })).then(appActions.setSettings)} />}
      >
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void submit(v)} initialValues={{ keyId: identities[0]?.keyId }}>
          <Form.Item name="keyId" label={t('unlock.who')}>
            <Select
              aria-label={t('unlock.who')}
              options={identities.map((i) => ({
                value: i.keyId,
                label: (
                  <span>
                    {i.name} · {t('top.badge', { badge: i.badge })} · <span className="mono">{shortHex(i.keyId, 1)}</span>
                  </span>
                ),
              }))}
            />
          </Form.Item>
          <Form.Item name="passphrase" label={t('unlock.passphrase')} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoFocus autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} data-testid="unlock-error" />}
          <div style={{ display: 'flex', justifyContent: 'space-between' }}>
            <Button icon={<UserAddOutlined />} onClick={onAddOfficer}>
              {t('unlock.another')}
            </Button>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="unlock">
              {t('unlock.unlock')}
            </Button>
          </div>
        </Form>
      </Card>
    </main>
  );
}
