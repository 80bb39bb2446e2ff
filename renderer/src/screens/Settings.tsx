// Settings: what this workstation is, where its data lives, its mode and network parties.
import { Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApp } from '../stores/app';
import { NetworkBadge } from '../components/TopBar';
import { useStatus } from '../stores/status';

export function SettingsScreen() {
  const { t } = useTranslation();
  const info = useApp((s) => s.info);
  const settings = useApp((s) => s.settings);
  const sync = useStatus((s) => s.sync?.state);
  if (!info || !settings) return null;
  const n = settings.network;
  const notSet = <Typography.Text type="secondary">{t('settings.notSet')}</Typography.Text>;
  return (
    <>
      <Descriptions title={t('settings.workstation')} bordered column={1} size="small" data-testid="app-info" styles={{ label: { width: 220 } }}>
        <Descriptions.Item label={t('settings.version')}>{info.version}</Descriptions.Item>
        <Descriptions.Item label={t('settings.shell')}>{info.shell === 'electron' ? t('settings.shellElectron') : t('settings.shellWeb')}</Descriptions.Item>
        <Descriptions.Item label={t('settings.mode')}>
          <NetworkBadge mode={info.mode} sync={sync} testId="settings-mode" />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.dataFolder')}>
          <Typography.Text code copyable>
            {info.dataDir}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.language')}>
          <span data-testid="language">{settings.language}</span>
        </Descriptions.Item>
      </Descriptions>
      {settings.mode === 'network' && (
        <Descriptions title={t('settings.network')} bordered column={1} size="small" style={{ marginTop: 16 }} styles={{ label: { width: 220 } }}>
          <Descriptions.Item label={t('settings.ledgerUrl')}>{n.ledgerUrl ?? notSet}</Descriptions.Item>
          <Descriptions.Item label={t('settings.providerUrl')}>{n.providerUrl ?? notSet}</Descriptions.Item>
          <Descriptions.Item label={t('settings.logKey')}>{n.logKey ? <span className="mono">{n.logKey}</span> : notSet}</Descriptions.Item>
          <Descriptions.Item label={t('settings.providerKey')}>{n.providerKey ? <span className="mono">{n.providerKey}</span> : notSet}</Descriptions.Item>
          <Descriptions.Item label={t('settings.witnesses')}>
            {n.witnesses.length === 0
              ? notSet
              : n.witnesses.map((w) => (
                  <div key={w.vkey} className="mono">
                    {w.vkey}
                  </div>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('settings.quorum')}>{t('settings.quorumValue', { k: n.witnessQuorum, n: n.witnesses.length })}</Descriptions.Item>
        </Descriptions>
      )}
    </>
  );
}
