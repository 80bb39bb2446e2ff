// The top bar: where the person is, who is signed in (name, badge, key id), lock, language, and the network badge.
import { Button, Segmented, Space, Tag, Tooltip } from 'antd';
import { ApiOutlined, LockOutlined, WarningFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { IdentityLike } from '../stores/identity';
import type { Language, Mode } from '../../../app/contract/api';
import { HashText } from './HashText';

export function NetworkBadge({ mode, reachable, testId = 'mode-badge' }: { mode: Mode | null | undefined; reachable: boolean; testId?: string }) {
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
    return (
      <Tooltip title={t(reachable ? 'top.networkHelp' : 'top.networkUnverifiedHelp')}>
        <Tag color={reachable ? 'success' : 'warning'} icon={<ApiOutlined />} data-testid={testId} className="mode-badge">
          {t(reachable ? 'top.network' : 'top.networkUnverified')}
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
  reachable: boolean;
}) {
  const { t } = useTranslation();
  const { officer } = props;
  return (
    <header className="topbar ant-layout-header" style={{ background: '#fff', height: 52, padding: '0 16px' }}>
      <h1 className="title">{props.title}</h1>
      <NetworkBadge mode={props.mode} reachable={props.reachable} />
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
