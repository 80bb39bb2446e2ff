// The application: locale and theme, then the first-run / unlock gate, then the shell — navigation rail, top bar
// with the officer and the network badge, the work area, and the status strip with the fork alarm.
import { useEffect } from 'react';
import { App as AntApp, ConfigProvider, Layout, Menu, Result, Spin } from 'antd';
import { AuditOutlined, DatabaseOutlined, FileTextOutlined, FolderOpenOutlined, InboxOutlined, SettingOutlined } from '@ant-design/icons';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { applyLanguage } from './i18n';
import { theme } from './theme';
import { connect, unwrap, ws } from './host';
import { appActions, useApp, type Screen } from './stores/app';
import { identityActions, useIdentity } from './stores/identity';
import { TopBar } from './components/TopBar';
import { ForkAlarms, StatusStrip } from './components/StatusStrip';
import { useStatus } from './stores/status';
import { FirstRun } from './screens/FirstRun';
import { Unlock } from './screens/Unlock';
import { SettingsScreen } from './screens/Settings';
import { CasesScreen } from './screens/Cases';
import { IntakeScreen } from './screens/Intake';
import { LedgerScreen } from './screens/Ledger';
import { ReportsScreen } from './screens/Reports';

const { Sider, Content } = Layout;

const NAV: { key: Screen; icon: React.ReactNode }[] = [
  { key: 'cases', icon: <FolderOpenOutlined /> },
  { key: 'intake', icon: <InboxOutlined /> },
  { key: 'ledger', icon: <DatabaseOutlined /> },
  { key: 'reports', icon: <FileTextOutlined /> },
  { key: 'settings', icon: <SettingOutlined /> },
];

function WorkArea({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'settings':
      return <SettingsScreen />;
    case 'cases':
      return <CasesScreen />;
    case 'intake':
      return <IntakeScreen />;
    case 'ledger':
      return <LedgerScreen />;
    case 'reports':
      return <ReportsScreen />;
  }
}

function Shell() {
  const { t } = useTranslation();
  const screen = useApp((s) => s.screen);
  const info = useApp((s) => s.info);
  const language = useApp((s) => s.language);
  const unlocked = useIdentity((s) => s.status?.unlocked ?? null);
  const sync = useStatus((s) => s.sync?.state);

  return (
    <Layout style={{ height: '100vh' }}>
      <Sider width={196} collapsedWidth={64} breakpoint="lg" theme="dark">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            <AuditOutlined />
          </span>
          <span>{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[screen]}
            onClick={(e) => appActions.go(e.key as Screen)}
            items={NAV.map((n) => ({ key: n.key, icon: n.icon, label: t(`nav.${n.key}`), 'data-testid': `nav-${n.key}` }))}
          />
        </nav>
      </Sider>
      <Layout>
        <ForkAlarms />
        <TopBar
          title={t(`nav.${screen}`)}
          officer={unlocked}
          onLock={unlocked ? () => void unwrap(ws().identity.lock()).then(identityActions.set) : undefined}
          language={language}
          onLanguage={(l) => void unwrap(ws().settings.update({ language: l })).then(appActions.setSettings)}
          mode={info?.mode}
          sync={sync}
        />
        <Content className="work" id="work" tabIndex={-1}>
          <WorkArea screen={screen} />
        </Content>
        <StatusStrip />
      </Layout>
    </Layout>
  );
}

function Gate() {
  const { t } = useTranslation();
  const fatal = useApp((s) => s.fatal);
  const settings = useApp((s) => s.settings);
  const identity = useIdentity((s) => s.status);
  const addingOfficer = useApp((s) => s.addingOfficer);
  const settingUp = useApp((s) => s.settingUp);
  const needsSetup = settings !== undefined && identity !== undefined && (settings.mode === null || identity.identities.length === 0);
  // Keep the first-run screen until the person presses "Open the workstation", even once an identity exists.
  useEffect(() => {
    if (needsSetup) appActions.setupNeeded();
  }, [needsSetup]);

  if (fatal) {
    return (
      <Result status="error" title={t('app.noHostTitle')} subTitle={<span data-testid="host-error">{fatal.message}</span>} />
    );
  }
  if (!settings || !identity) {
    return (
      <div className="setup" role="status">
        <Spin /> <span style={{ marginLeft: 8 }}>{t('app.connecting')}</span>
      </div>
    );
  }
  if (needsSetup || settingUp || addingOfficer) {
    return (
      <FirstRun
        identityOnly={addingOfficer}
        onFinished={appActions.setupFinished}
        key={addingOfficer ? 'officer' : 'setup'}
      />
    );
  }
  if (!identity.unlocked) {
    return <Unlock identities={identity.identities} onAddOfficer={appActions.addOfficer} />;
  }
  return <Shell />;
}

export function App() {
  const language = useApp((s) => s.language);
  useEffect(() => connect(), []);
  useEffect(() => applyLanguage(language), [language]);
  return (
    <ConfigProvider locale={language === 'zh-CN' ? zhCN : enUS} theme={theme}>
      <AntApp>
        <Gate />
      </AntApp>
    </ConfigProvider>
  );
}
