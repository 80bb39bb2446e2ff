// The deposition wizard (antd Steps): review → sign with passphrase → upload → provider countersigned →
// recorded (entry index) → witnessed (k of n, final). Each step says what happened and who signed; the steps
// advance only on the host's onDepositionProgress events, which follow the real flow. The wizard's state lives
// in stores/deposit.ts.
import { useEffect } from 'react';
import { Alert, Button, Descriptions, Form, Input, Modal, Progress, Result, Steps, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DepositionProgress } from '../../../app/contract/api';
import { errorText, failureText } from '../i18n';
import type { DraftItem, IntakeDraft } from '../workspace/db';
import { depositActions, useDeposit } from '../stores/deposit';
import { useIdentity } from '../stores/identity';
import { formatBytes } from '../core/format';
import { HashText } from '../components/HashText';
import { pageRows } from '../components/paging';
import { StatusTag } from '../components/StatusTag';

export function DepositWizard({ draft, items, onClose }: { draft: IntakeDraft; items: DraftItem[]; onClose: (deposited: boolean) => void }) {
  const { t, i18n } = useTranslation();
  const officer = useIdentity((s) => s.status?.unlocked);
  const phase = useDeposit((s) => s.phase);
  const error = useDeposit((s) => s.error);
  const busy = useDeposit((s) => s.busy);
  const ids = useDeposit((s) => s.ids);
  const progress = useDeposit((s) => s.progress);
  const current = useDeposit((s) => s.step);
  const failed = useDeposit((s) => s.failed);
  const allWitnessed = useDeposit((s) => s.allWitnessed);
  const [form] = Form.useForm<{ passphrase: string }>();
  const lng = i18n.language;
  useEffect(() => depositActions.attach(draft.caseId), [draft.caseId]);

  const sign = async () => {
    const v = await form.validateFields().catch(() => undefined);
    if (v) await depositActions.sign(v.passphrase, items, () => form.resetFields());
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
        status={failed > 0 ? 'error' : current > 5 ? 'finish' : 'process'}
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
            <Button type="primary" onClick={depositActions.reviewed} data-testid="deposit-review-ok">
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
          {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} data-testid="deposit-error" />}
          <Button onClick={depositActions.review} style={{ marginRight: 8 }}>
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
