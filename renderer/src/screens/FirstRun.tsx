// First run: choose standalone or network, then create an identity (or import a keystore). Also reached from the
// unlock screen to set up a second officer on the same workstation (mode already chosen).
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Progress, Result, Segmented, Select, Steps, Typography, Upload } from 'antd';
import { ApiOutlined, DesktopOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n';
import type { IdentityStatus, Mode, OfficerRole } from '../../../app/contract/api';
import { unwrap, ws, HostCallError } from '../host';
import { appActions, useApp } from '../stores/app';
import { identityActions } from '../stores/identity';
import { passphraseStrength } from '../core/passphrase';
import { HashText } from '../components/HashText';
import { LanguageSwitch } from '../components/TopBar';

const ROLES: OfficerRole[] = ['investigator', 'custodian', 'supervisor', 'admin'];
const STRENGTH_COLOURS = ['#cf1322', '#d4380d', '#d48806', '#389e0d', '#237804'];

export function PassphraseStrength({ value }: { value: string }) {
  const { t } = useTranslation();
  const s = passphraseStrength(value);
  return (
    <div data-testid="passphrase-strength" aria-live="polite" style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 4 }}>
      <Progress percent={value.length === 0 ? 0 : ((s + 1) / 5) * 100} steps={5} size="small" showInfo={false} strokeColor={STRENGTH_COLOURS[s]} />
      <span style={{ fontSize: 12, color: STRENGTH_COLOURS[s] }}>
        {t('strength.label')}: {t(`strength.${s}`)}
      </span>
    </div>
  );
}

function ModeStep({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('standalone');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ ledgerUrl?: string; providerUrl?: string; logKey?: string; providerKey?: string; witnesses?: string; quorum?: number }>();

  const submit = async () => {
    setError(undefined);
    setBusy(true);
    try {
      if (mode === 'network') {
        const v = await form.validateFields();
        const witnesses = (v.witnesses ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .map((vkey) => ({ name: vkey.split('+')[0] ?? vkey, vkey }));
        const s = await unwrap(
          ws().settings.update({
            mode,
            network: {
              ledgerUrl: v.ledgerUrl?.trim() || null,
              providerUrl: v.providerUrl?.trim() || null,
              logKey: v.logKey?.trim() || null,
              providerKey: v.providerKey?.trim() || null,
              witnesses,
              witnessQuorum: v.quorum ?? 0,
            },
          }),
        );
        appActions.setSettings(s);
      } else {
        appActions.setSettings(await unwrap(ws().settings.update({ mode })));
      }
      appActions.setInfo(await unwrap(ws().app.info()));
      onDone();
    } catch (err) {
      if (err instanceof HostCallError) setError(errorText(err.error));
      else if (!(err && typeof err === 'object' && 'errorFields' in err)) setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  const choice = (m: Mode, icon: React.ReactNode, title: string, text: string) => (
    <Card
      size="small"
      role="radio"
      aria-checked={mode === m}
      tabIndex={0}
      className={mode === m ? 'selected' : ''}
      onClick={() => setMode(m)}
      onKeyDown={(e) => {
        if (e.key === ' ' || e.key === 'Enter') {
          e.preventDefault();
          setMode(m);
        }
      }}
      data-testid={`mode-${m}`}
      title={
        <span>
          {icon} {title}
        </span>
      }
    >
      <Typography.Paragraph style={{ margin: 0 }}>{text}</Typography.Paragraph>
    </Card>
  );

  return (
    <>
      <Typography.Title level={5}>{t('firstRun.modeQuestion')}</Typography.Title>
      <div className="mode-choice" role="radiogroup" aria-label={t('firstRun.modeQuestion')}>
        {choice('standalone', <DesktopOutlined />, t('firstRun.standaloneTitle'), t('firstRun.standaloneText'))}
        {choice('network', <ApiOutlined />, t('firstRun.networkTitle'), t('firstRun.networkText'))}
      </div>
      {mode === 'network' && (
        <Form form={form} layout="vertical" style={{ marginTop: 16 }} requiredMark={false}>
          <Form.Item name="ledgerUrl" label={t('firstRun.ledgerUrl')} rules={[{ required: true, type: 'url', message: t('common.required') }]}>
            <Input placeholder="https://ledger.example.gov" />
          </Form.Item>
          <Form.Item name="providerUrl" label={t('firstRun.providerUrl')} rules={[{ required: true, type: 'url', message: t('common.required') }]}>
            <Input placeholder="https://provider.example.gov" />
          </Form.Item>
          <Form.Item name="logKey" label={t('firstRun.logKey')} extra={t('firstRun.logKeyHelp')} rules={[{ required: true, message: t('common.required') }]}>
            <Input className="mono" />
          </Form.Item>
          <Form.Item
            name="providerKey"
            label={t('firstRun.providerKey')}
            extra={t('firstRun.providerKeyHelp')}
            rules={[
              { required: true, message: t('common.required') },
              { pattern: /^\s*[0-9a-f]{32}\s*$/, message: t('firstRun.providerKeyInvalid') },
            ]}
          >
            <Input className="mono" />
          </Form.Item>
          <Form.Item name="witnesses" label={t('firstRun.witnesses')} extra={t('firstRun.witnessesHelp')}>
            <Input.TextArea rows={3} className="mono" />
          </Form.Item>
          <Form.Item name="quorum" label={t('firstRun.quorum')} initialValue={1}>
            <InputNumber min={0} max={64} />
          </Form.Item>
        </Form>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      <div style={{ marginTop: 16, textAlign: 'right' }}>
        <Button type="primary" loading={busy} onClick={() => void submit()} data-testid="mode-continue">
          {t('firstRun.continue')}
        </Button>
      </div>
    </>
  );
}

function IdentityStep({ onDone }: { onDone: (s: IdentityStatus) => void }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'create' | 'import'>('create');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [keystore, setKeystore] = useState<{ name: string; text: string }>();
  const [form] = Form.useForm<{ name: string; badge: string; role: OfficerRole; passphrase: string; repeat: string }>();
  const [importForm] = Form.useForm<{ passphrase: string }>();

  const run = async (call: () => Promise<IdentityStatus>) => {
    setError(undefined);
    setBusy(true);
    try {
      const status = await call();
      identityActions.set(status);
      onDone(status);
    } catch (err) {
      if (err instanceof HostCallError) setError(errorText(err.error));
      else if (!(err && typeof err === 'object' && 'errorFields' in err)) setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  const create = () =>
    run(async () => {
      const v = await form.validateFields();
      return unwrap(ws().identity.create({ name: v.name, badge: v.badge, role: v.role, passphrase: v.passphrase }));
    });
  const importKey = () =>
    run(async () => {
      const v = await importForm.validateFields();
      if (!keystore) throw new HostCallError({ code: 'NO_FILE', message: t('firstRun.keystorePick') });
      return unwrap(ws().identity.import({ keystore: keystore.text, passphrase: v.passphrase }));
    });

  return (
    <>
      <Segmented
        value={tab}
        onChange={(v) => setTab(v as 'create' | 'import')}
        options={[
          { value: 'create', label: t('firstRun.createTitle') },
          { value: 'import', label: t('firstRun.importTitle') },
        ]}
        style={{ marginBottom: 16 }}
      />
      {tab === 'create' ? (
        <Form form={form} layout="vertical" requiredMark={false} onFinish={() => void create()} initialValues={{ role: 'investigator' }}>
          <div style={{ display: 'grid', gridTemplateColumns: '2fr 1fr 1fr', gap: 12 }}>
            <Form.Item name="name" label={t('firstRun.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input autoFocus autoComplete="name" />
            </Form.Item>
            <Form.Item name="badge" label={t('firstRun.badge')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input />
            </Form.Item>
            <Form.Item name="role" label={t('firstRun.role')}>
              <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} aria-label={t('firstRun.role')} />
            </Form.Item>
          </div>
          <Form.Item
            name="passphrase"
            label={t('firstRun.passphrase')}
            extra={t('firstRun.passphraseHelp')}
            rules={[{ required: true, min: 10, message: t('strength.0') }]}
          >
            <Input.Password autoComplete="new-password" onChange={(e) => setPassphrase(e.target.value)} />
          </Form.Item>
          <PassphraseStrength value={passphrase} />
          <Form.Item
            name="repeat"
            label={t('firstRun.passphraseRepeat')}
            dependencies={['passphrase']}
            style={{ marginTop: 12 }}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_r, v) => (v === getFieldValue('passphrase') ? Promise.resolve() : Promise.reject(new Error(t('firstRun.passphraseMismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <div style={{ textAlign: 'right' }}>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="identity-create">
              {t('firstRun.createKey')}
            </Button>
          </div>
        </Form>
      ) : (
        <Form form={importForm} layout="vertical" requiredMark={false} onFinish={() => void importKey()}>
          <Form.Item label={t('firstRun.keystoreFile')}>
            <Upload
              accept=".json,application/json"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then((text) => setKeystore({ name: file.name, text }));
                return false;
              }}
            >
              <Button icon={<UploadOutlined />}>{t('firstRun.keystorePick')}</Button>
            </Upload>
            {keystore && <div style={{ marginTop: 6 }}>{t('firstRun.keystoreChosen', { name: keystore.name })}</div>}
          </Form.Item>
          <Form.Item name="passphrase" label={t('firstRun.passphrase')} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <div style={{ textAlign: 'right' }}>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="identity-import">
              {t('firstRun.importKey')}
            </Button>
          </div>
        </Form>
      )}
    </>
  );
}

/** `identityOnly`: the mode is set already (adding a second officer). */
export function FirstRun({ identityOnly = false, onFinished }: { identityOnly?: boolean; onFinished: () => void }) {
  const { t } = useTranslation();
  const settings = useApp((s) => s.settings);
  const language = useApp((s) => s.language);
  const [step, setStep] = useState(identityOnly || settings?.mode ? 1 : 0);
  const [created, setCreated] = useState<IdentityStatus>();

  const setLanguage = (l: typeof language) => void unwrap(ws().settings.update({ language: l })).then(appActions.setSettings);

  return (
    <main className="setup">
      <Card
        className="setup-card"
        title={<span style={{ fontSize: 16 }}>{t('firstRun.title')}</span>}
        extra={<LanguageSwitch value={language} onChange={setLanguage} />}
      >
        <Typography.Paragraph type="secondary">{t('firstRun.intro')}</Typography.Paragraph>
        <Steps
          size="small"
          current={step}
          style={{ marginBottom: 24 }}
          items={[{ title: t('firstRun.stepMode') }, { title: t('firstRun.stepIdentity') }, { title: t('firstRun.stepDone') }]}
        />
        {step === 0 && <ModeStep onDone={() => setStep(1)} />}
        {step === 1 && (
          <IdentityStep
            onDone={(s) => {
              setCreated(s);
              setStep(2);
            }}
          />
        )}
        {step === 2 && created?.unlocked && (
          <Result
            status="success"
            title={t('firstRun.doneTitle')}
            subTitle={
              <div>
                <div>{t('firstRun.doneText')}</div>
                <div style={{ marginTop: 8 }}>
                  <strong>{created.unlocked.name}</strong> · {t('top.badge', { badge: created.unlocked.badge })}
                </div>
                <HashText value={created.unlocked.keyId} label={t('top.keyId')} />
              </div>
            }
            extra={
              <Button type="primary" onClick={onFinished} data-testid="first-run-done" autoFocus>
                {t('firstRun.start')}
              </Button>
            }
          />
        )}
      </Card>
    </main>
  );
}
