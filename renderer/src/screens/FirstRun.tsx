// First run: choose standalone or network, then create an identity (or import a keystore). Also reached from the
// unlock screen to set up a second officer on the same workstation (mode already chosen). The steps' state lives
// in stores/first-run.ts; the fields stay in the antd forms.
import { useLayoutEffect } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Progress, Result, Segmented, Select, Steps, Typography, Upload } from 'antd';
import { ApiOutlined, DesktopOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { failureText } from '../i18n';
import type { Mode, OfficerRole } from '../../../app/contract/api';
import { unwrap, ws } from '../host';
import { appActions, useApp } from '../stores/app';
import { firstRunActions, useFirstRun } from '../stores/first-run';
import type { NetworkForm } from '../stores/network-form';
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

function ModeStep() {
  const { t } = useTranslation();
  const mode = useFirstRun((s) => s.mode);
  const error = useFirstRun((s) => s.error);
  const busy = useFirstRun((s) => s.busy);
  const [form] = Form.useForm<NetworkForm>();

  const submit = async () => {
    // A field the form refuses says so beside itself; nothing is saved.
    const network = mode === 'network' ? await form.validateFields().catch(() => undefined) : undefined;
    if (mode === 'network' && !network) return;
    await firstRunActions.saveMode(network);
  };

  const choice = (m: Mode, icon: React.ReactNode, title: string, text: string) => (
    <Card
      size="small"
      role="radio"
      aria-checked={mode === m}
      tabIndex={0}
      className={mode === m ? 'selected' : ''}
      onClick={() => firstRunActions.chooseMode(m)}
      onKeyDown={(e) => {
        if (e.key === ' ' || e.key === 'Enter') {
          e.preventDefault();
          firstRunActions.chooseMode(m);
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
      {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginTop: 12 }} />}
      <div style={{ marginTop: 16, textAlign: 'right' }}>
        <Button type="primary" loading={busy} onClick={() => void submit()} data-testid="mode-continue">
          {t('firstRun.continue')}
        </Button>
      </div>
    </>
  );
}

function IdentityStep() {
  const { t } = useTranslation();
  const tab = useFirstRun((s) => s.tab);
  const error = useFirstRun((s) => s.error);
  const busy = useFirstRun((s) => s.busy);
  const keystore = useFirstRun((s) => s.keystore);
  const [form] = Form.useForm<{ name: string; badge: string; role: OfficerRole; passphrase: string; repeat: string }>();
  const [importForm] = Form.useForm<{ passphrase: string }>();
  const passphrase = Form.useWatch('passphrase', form) ?? '';

  return (
    <>
      <Segmented
        value={tab}
        onChange={(v) => firstRunActions.chooseTab(v as 'create' | 'import')}
        options={[
          { value: 'create', label: t('firstRun.createTitle') },
          { value: 'import', label: t('firstRun.importTitle') },
        ]}
        style={{ marginBottom: 16 }}
      />
      {tab === 'create' ? (
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => void firstRunActions.create(v)} initialValues={{ role: 'investigator' }}>
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
            <Input.Password autoComplete="new-password" />
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
          {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} />}
          <div style={{ textAlign: 'right' }}>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="identity-create">
              {t('firstRun.createKey')}
            </Button>
          </div>
        </Form>
      ) : (
        <Form form={importForm} layout="vertical" requiredMark={false} onFinish={(v) => void firstRunActions.importKeystore(v.passphrase)}>
          <Form.Item label={t('firstRun.keystoreFile')}>
            <Upload
              accept=".json,application/json"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then((text) => firstRunActions.pickKeystore({ name: file.name, text }));
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
          {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} />}
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
  const language = useApp((s) => s.language);
  const step = useFirstRun((s) => s.step);
  const created = useFirstRun((s) => s.created);
  // Before the first paint, so the mode step never flashes when only an officer is added.
  useLayoutEffect(() => firstRunActions.begin(identityOnly), [identityOnly]);

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
        {step === 0 && <ModeStep />}
        {step === 1 && <IdentityStep />}
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
