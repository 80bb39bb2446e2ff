// The deposition wizard (antd Steps): review → sign with passphrase → upload → provider countersigned →
// recorded (entry index) → witnessed (k of n, final). Each step says what happened and who signed; the steps
// advance only on the host's onDepositionProgress events, which follow the real flow.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Descriptions, Form, Input, Modal, Progress, Result, Steps, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DepositionProgress } from '../../../app/contract/api';
import { HostCallError, unwrap, ws } from '../host';
import { errorText } from '../i18n';
import { dropDraft, patchDraft, type DraftItem, type IntakeDraft } from '../workspace/db';
import { statusActions } from '../stores/status';
import { ledgerActions } from '../stores/ledger';
import { useIdentity } from '../stores/identity';
import { formatBytes } from '../core/format';
import { HashText } from '../components/HashText';
import { pageRows } from '../components/paging';
import { StatusTag } from '../components/StatusTag';

const ORDER = ['signed', 'uploading', 'countersigned', 'recorded', 'witnessed'] as const;
type Step = (typeof ORDER)[number];

/** The wizard's step index (0 review, 1 sign, 2 upload, 3 countersigned, 4 recorded, 5 witnessed, 6 done). */
export function wizardStep(progress: DepositionProgress[], count: number): number {
  if (progress.length < count) return progress.length === 0 ? 1 : 2;
  const rank = (s: DepositionProgress['step']) => (s === 'failed' ? -1 : ORDER.indexOf(s as Step));
  const lowest = Math.min(...progress.map((p) => rank(p.step)));
  if (lowest < 0) return 2;
  // signed/uploading → 2, countersigned → 3, recorded → 4, witnessed → 6 (all done)
  return lowest <= 1 ? 2 : lowest === 2 ? 3 : lowest === 3 ? 4 : 6;
}

export function DepositWizard({ draft, items, onClose }: { draft: IntakeDraft; items: DraftItem[]; onClose: (deposited: boolean) => void }) {
  const { t, i18n } = useTranslation();
  const officer = useIdentity((s) => s.status?.unlocked);
  const [phase, setPhase] = useState<'review' | 'sign' | 'running'>('review');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [ids, setIds] = useState<string[]>([]);
  const [progress, setProgress] = useState<Record<string, DepositionProgress>>({});
  const [form] = Form.useForm<{ passphrase: string }>();
  const lng = i18n.language;

  // When each upload started, for its rate and ETA in the status strip.
  const uploadStarted = useRef(new Map<string, number>());
  useEffect(
    () =>
      ws().onDepositionProgress((p) => {
        setProgress((all) => ({ ...all, [p.depositionId]: p }));
        if (p.step === 'uploading') {
          const started = uploadStarted.current.get(p.depositionId) ?? Date.now();
          uploadStarted.current.set(p.depositionId, started);
          const secs = (Date.now() - started) / 1000;
          const rate = secs > 0 ? p.bytesDone / secs : 0;
          statusActions.setActivity({ kind: 'upload', label: p.exhibitId, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rate, etaSeconds: rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : null });
        } else if (p.step !== 'signed') statusActions.setActivity(undefined);
      }),
    [],
  );

  const mine = ids.map((id) => progress[id]).filter((p): p is DepositionProgress => p !== undefined);
  const failed = mine.filter((p) => p.step === 'failed');
  const allWitnessed = ids.length > 0 && mine.length === ids.length && mine.every((p) => p.step === 'witnessed');
  const current = phase === 'review' ? 0 : phase === 'sign' ? 1 : wizardStep(mine, ids.length);

  useEffect(() => {
    if (allWitnessed) {
      void dropDraft(draft.caseId);
      ledgerActions.changed(undefined);
    }
  }, [allWitnessed, draft.caseId]);

  const sign = async () => {
    const v = await form.validateFields().catch(() => undefined);
    if (!v) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await unwrap(
        ws().deposit.start({
          caseId: draft.caseId,
          passphrase: v.passphrase,
          items: items.map((i) => ({
            exhibitId: i.exhibitId.trim(),
            path: i.path,
            name: i.name,
            size: i.size ?? 0,
            sha256: i.sha256 ?? '',
            metadata: {
              description: i.description,
              ...(i.seizedAt ? { seizedAt: i.seizedAt } : {}),
              ...(i.seizedPlace ? { seizedPlace: i.seizedPlace } : {}),
              ...(i.seizedBy ? { seizedBy: i.seizedBy } : {}),
              ...(i.notes ? { notes: i.notes } : {}),
            },
          })),
        }),
      );
      form.resetFields();
      setIds(r.depositionIds);
      setPhase('running');
      await patchDraft(draft.caseId, { phase: 'depositing' });
    } catch (err) {
      setError(err instanceof HostCallError ? errorText(err.error) : String(err));
    } finally {
      setBusy(false);
    }
  };

  const stepTag = (p: DepositionProgress | undefined) => {
    if (!p) return <StatusTag verdict="pending" text={t('deposit.waiting')} />;
    switch (p.step) {
      case 'failed':
        return <StatusTag verdict="failed" reason={p.error ? errorText(p.error) : ''} />;
      case 'witnessed':
        return <StatusTag verdict="verified" text={t('deposit.witnessedTag', { k: p.cosigners.length })} />;
      case 'recorded':
        return <StatusTag verdict="awaiting" />;
      default:
        return <StatusTag verdict="pending" text={t(`deposit.step.${p.step}`)} />;
    }
  };
  // A resumed upload says where it continued from, through to the end.
  const stepWords = (p: DepositionProgress | undefined) => (
    <>
      {stepTag(p)}
      {p && p.resumedFrom !== null && (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="upload-resumed">
            {t('deposit.resumedFrom', { size: formatBytes(p.resumedFrom, lng) })}
          </Typography.Text>
        </div>
      )}
    </>
  );

  return (
    <Modal open width={1040} title={t('deposit.title', { caseId: draft.caseId })} onCancel={() => onClose(allWitnessed)} footer={null} maskClosable={false} data-testid="deposit-wizard">
      <Steps
        size="small"
        current={current > 5 ? 5 : current}
        status={failed.length > 0 ? 'error' : current > 5 ? 'finish' : 'process'}
        style={{ margin: '8px 0 20px' }}
        items={[
          { title: t('deposit.review') },
          { title: t('deposit.sign') },
          { title: t('deposit.upload') },
          { title: t('deposit.countersigned') },
          { title: t('deposit.recorded') },
          { title: t('deposit.witnessed') },
        ]}
      />
      {phase === 'review' && (
        <>
          <Typography.Paragraph>{t('deposit.reviewHelp', { count: items.length })}</Typography.Paragraph>
          <Table
            size="small"
            pagination={pageRows(items.length, (count) => t('intake.rows', { count }))}
            rowKey="index"
            dataSource={items}
            columns={[
              { title: t('intake.exhibitId'), dataIndex: 'exhibitId', width: 160, render: (v: string) => <span className="mono">{v}</span> },
              { title: t('intake.file'), dataIndex: 'name' },
              { title: t('intake.size'), dataIndex: 'size', width: 100, align: 'right', render: (v: number) => formatBytes(v, lng) },
              { title: 'SHA-256', width: 230, render: (_v, i) => <HashText value={i.sha256 ?? ''} short label="SHA-256" /> },
              { title: t('intake.description'), dataIndex: 'description', render: (v: string) => v || '—' },
            ]}
          />
          <div style={{ textAlign: 'right', marginTop: 16 }}>
            <Button onClick={() => onClose(false)} style={{ marginRight: 8 }}>
              {t('common.back')}
            </Button>
            <Button type="primary" onClick={() => setPhase('sign')} data-testid="deposit-review-ok">
              {t('deposit.reviewOk')}
            </Button>
          </div>
        </>
      )}
      {phase === 'sign' && (
        <Form form={form} layout="vertical" requiredMark={false} onFinish={() => void sign()} style={{ maxWidth: 560 }}>
          <Descriptions size="small" column={1} bordered styles={{ label: { width: 180 } }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('deposit.depositor')}>
              {officer?.name} · {t('top.badge', { badge: officer?.badge ?? '' })}
            </Descriptions.Item>
            <Descriptions.Item label={t('top.keyId')}>{officer && <HashText value={officer.keyId} short />}</Descriptions.Item>
            <Descriptions.Item label={t('deposit.what')}>{t('deposit.whatText', { count: items.length, caseId: draft.caseId })}</Descriptions.Item>
          </Descriptions>
          <Form.Item name="passphrase" label={t('deposit.passphrase')} extra={t('deposit.passphraseHelp')} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoFocus autoComplete="current-password" data-testid="deposit-passphrase" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="deposit-error" />}
          <Button onClick={() => setPhase('review')} style={{ marginRight: 8 }}>
            {t('common.back')}
          </Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="deposit-sign">
            {t('deposit.signAndDeposit')}
          </Button>
        </Form>
      )}
      {phase === 'running' && (
        <>
          {allWitnessed && (
            <Result
              status="success"
              style={{ padding: '8px 0 16px' }}
              title={t('deposit.doneTitle', { count: ids.length })}
              subTitle={t('deposit.doneText')}
              extra={
                <Button type="primary" onClick={() => onClose(true)} data-testid="deposit-done">
                  {t('deposit.toCase')}
                </Button>
              }
            />
          )}
          <Table
            size="small"
            pagination={pageRows(items.length, (count) => t('intake.rows', { count }))}
            rowKey="exhibitId"
            data-testid="deposit-progress"
            dataSource={items.map((i, n) => ({ ...i, p: progress[ids[n] ?? ''] }))}
            columns={[
              { title: t('intake.exhibitId'), dataIndex: 'exhibitId', width: 150, render: (v: string) => <span className="mono">{v}</span> },
              { title: t('intake.file'), dataIndex: 'name', ellipsis: true },
              {
                title: t('deposit.upload'),
                width: 170,
                render: (_v, r) => <Progress size="small" percent={r.p && r.p.bytesTotal ? Math.floor((100 * r.p.bytesDone) / r.p.bytesTotal) : r.p ? 100 : 0} />,
              },
              { title: t('deposit.signedBy'), width: 200, render: (_v, r) => r.p?.signedBy.join(', ') ?? '—' },
              { title: t('deposit.entry'), width: 70, render: (_v, r) => (r.p?.entryIndex != null ? `#${r.p.entryIndex}` : '—') },
              { title: t('deposit.witnesses'), width: 160, render: (_v, r) => (r.p?.cosigners.length ? r.p.cosigners.join(', ') : '—') },
              { title: t('deposit.state'), width: 240, render: (_v, r) => stepWords(r.p) },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
