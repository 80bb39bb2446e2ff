// The application shell: navigation rail, top bar with the mode badge, work area, status strip. The screens
// themselves arrive with the UI issue; this shell proves the renderer reaches the host through the contract.
import { useEffect, useState } from 'react';
import { Alert, Descriptions, Layout, Menu, Segmented, Tag, Typography } from 'antd';
import type { AppInfo, ContractError, Settings } from '../../app/contract/api';
import { getWorkstation } from './transport';

const { Header, Sider, Content, Footer } = Layout;

const NAV = [
  { key: 'cases', label: 'Cases' },
  { key: 'intake', label: 'Intake' },
  { key: 'ledger', label: 'Ledger' },
  { key: 'reports', label: 'Reports' },
  { key: 'settings', label: 'Settings' },
];

export function App() {
  const [info, setInfo] = useState<AppInfo>();
  const [settings, setSettings] = useState<Settings>();
  const [error, setError] = useState<ContractError>();

  useEffect(() => {
    let ws;
    try {
      ws = getWorkstation();
    } catch (err) {
      setError({ code: 'NO_HOST', message: (err as Error).message });
      return;
    }
    void ws.app.info().then((r) => (r.ok ? setInfo(r.value) : setError(r.error)));
    void ws.settings.get().then((r) => (r.ok ? setSettings(r.value) : setError(r.error)));
    return ws.onSettingsChanged((s) => setSettings(s));
  }, []);

  const setLanguage = (language: Settings['language']) => {
    void getWorkstation()
      .settings.update({ language })
      .then((r) => {
        if (!r.ok) setError(r.error);
      });
  };

  const standalone = info?.mode !== 'network';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={200} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '16px 20px', fontWeight: 600 }}>Evidence Ledger</div>
        <nav aria-label="Main">
          <Menu mode="inline" defaultSelectedKeys={['cases']} items={NAV} />
        </nav>
      </Sider>
      <Layout>
        <Header style={{ background: '#fff', display: 'flex', alignItems: 'center', gap: 16, borderBottom: '1px solid #f0f0f0' }}>
          <Typography.Title level={4} style={{ margin: 0, flex: 1 }}>
            Evidence Ledger Workstation
          </Typography.Title>
          {info && (
            <Tag color={standalone ? 'warning' : 'success'} data-testid="mode-badge">
              {info.mode === 'network' ? 'Network' : info.mode === 'standalone' ? 'Standalone — no independent parties' : 'Not set up'}
            </Tag>
          )}
          <Segmented
            aria-label="Language"
            value={settings?.language ?? 'en'}
            options={[
              { label: 'English', value: 'en' },
              { label: '中文', value: 'zh-CN' },
            ]}
            onChange={(v) => setLanguage(v as Settings['language'])}
          />
        </Header>
        <Content style={{ padding: 24 }}>
          {error && <Alert type="error" showIcon title={error.message} data-testid="host-error" />}
          {info && (
            <Descriptions title="Workstation" bordered column={1} size="small" data-testid="app-info">
              <Descriptions.Item label="Version">{info.version}</Descriptions.Item>
              <Descriptions.Item label="Shell">{info.shell === 'electron' ? 'Desktop app' : 'Web host (127.0.0.1)'}</Descriptions.Item>
              <Descriptions.Item label="Mode">{info.modeLabel}</Descriptions.Item>
              <Descriptions.Item label="Data folder">
                <Typography.Text code>{info.dataDir}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label="Language">
                <span data-testid="language">{settings?.language}</span>
              </Descriptions.Item>
            </Descriptions>
          )}
        </Content>
        <Footer style={{ padding: '6px 16px', borderTop: '1px solid #f0f0f0', fontSize: 12 }} role="status">
          {info ? `Connected to the workstation host (${info.shell})` : 'Connecting to the workstation host…'}
        </Footer>
      </Layout>
    </Layout>
  );
}
