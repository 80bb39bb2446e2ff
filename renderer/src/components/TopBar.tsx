// The top bar: where the person is, who is signed in (name, badge, key id), lock, language, and the network badge.
import { Button, Segmented, Space, Tag, Tooltip } from 'antd';
import { ApiOutlined, CloseCircleFilled, LockOutlined, SyncOutlined, WarningFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { IdentityLike } from '../stores/identity';
import type { Language, Mode } from '../../../app/contract/api';
import type { SyncStateName } from '../stores/status';
import { HashText } from './HashText';

/**
 * The mode badge (docs/UI.md): Network in green only while this workstation's verified copy is in step with a
 * reachable ledger node; otherwise the state in words (amber while connecting or waiting, red for a fork).
 */
export function NetworkBadge({ mode, sync, testId = 'mode-badge' }: { mode: Mode | null | undefined; sync: SyncStateName | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (mode === 'standalone') {
    return (
      <Tooltip title={t('top.standaloneHelp')}>
        <Tag color="warning" icon={<WarningFilled />} data-testid={testId} className="mode-badge" style={{ background: '#fff4e0', borderColor: '#e09a2b', color: '#7a4300', fontWeight: 600 }}>
          {t('top.standalone')}
        </Tag>
      </Tooltip>
    );
  }
  if (mode === 'network') {
    if (sync === 'synced') {
      return (
        <Tooltip title={t('top.networkHelp')}>
          <Tag color="success" icon={<ApiOutlined />} data-testid={testId} data-sync={sync} className="mode-badge" style={{ fontWeight: 600 }}>
            {t('top.network')}
          </Tag>
        </Tooltip>
      );
    }
    if (sync === undefined || sync === 'local') {
      return (
        <Tooltip title={t('top.networkUnverifiedHelp')}>
          <Tag color="warning" icon={<ApiOutlined />} data-testid={testId} className="mode-badge">
            {t('top.networkUnverified')}
          </Tag>
        </Tooltip>
      );
    }
    const red = sync === 'fork' || sync === 'halted';
    const icon = red ? <CloseCircleFilled /> : sync === 'syncing' || sync === 'empty' ? <SyncOutlined spin={sync === 'syncing'} /> : <WarningFilled />;
    return (
      <Tooltip title={t(`top.networkStateHelp.${sync}`)}>
        <Tag color={red ? 'error' : sync === 'syncing' || sync === 'empty' ? 'processing' : 'warning'} icon={icon} data-testid={testId} data-sync={sync} className="mode-badge" style={{ fontWeight: 600 }}>
          {t(`top.networkState.${sync}`)}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Tag data-testid={testId} className="mode-badge">
      {t('top.notSetUp')}
    </Tag>
  );
}

export function LanguageSwitch({ value, onChange }: { value: Language; onChange: (l: Language) => void }) {
  const { t } = useTranslation();
  return (
    <Segmented
      aria-label={t('top.language')}
      size="small"
      value={value}
      options={[
        { label: 'English', value: 'en' },
        { label: '中文', value: 'zh-CN' },
      ]}
      onChange={(v) => onChange(v as Language)}
    />
  );
}

export function TopBar(props: {
  title: string;
  officer: IdentityLike | null;
  onLock: (() => void) | undefined;
  language: Language;
  onLanguage: (l: Language) => void;
  mode: Mode | null | undefined;
  sync: SyncStateName | undefined;
}) {
  const { t } = useTranslation();
  const { officer } = props;
  return (
    <header className="topbar ant-layout-header" style={{ background: '#fff', height: 52, padding: '0 16px' }}>
      <h1 className="title">{props.title}</h1>
      <NetworkBadge mode={props.mode} sync={props.sync} />
      <div className="officer" aria-label={t('top.officer')} data-testid="officer">
        {officer ? (
          <>
            <span className="name">{officer.name}</span>
            <span className="meta">
              <Space size={6}>
                <span>{t('top.badge', { badge: officer.badge })}</span>
                <span>·</span>
                <span>{t('top.keyId')}</span>
                <HashText value={officer.keyId} short label={t('top.keyId')} />
              </Space>
            </span>
          </>
        ) : (
          <span className="meta">{t('top.noOfficer')}</span>
        )}
      </div>
      {props.onLock && (
        <Tooltip title={t('top.lockHelp')}>
          <Button icon={<LockOutlined />} onClick={props.onLock} data-testid="lock">
            {t('top.lock')}
          </Button>
        </Tooltip>
      )}
      <LanguageSwitch value={props.language} onChange={props.onLanguage} />
    </header>
  );
}
