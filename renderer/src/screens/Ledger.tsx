// The ledger view: its state (size, last final checkpoint, witness policy), the parties and their state, the
// checkpoints (blocks) with size, root, time and cosigning witnesses, and any fork alarm.
import { useEffect, useState } from 'react';
import { Alert, Descriptions, Table, Tag, Typography } from 'antd';
import { formatBytes } from '../core/format';
import { useTranslation } from 'react-i18next';
import type { CheckpointView } from '../../../app/contract/api';
import { HostCallError, unwrap, ws } from '../host';
import { errorText } from '../i18n';
import { useLedger } from '../stores/ledger';
import { HashText } from '../components/HashText';
import { LocalTime } from '../components/LocalTime';
import { StatusTag } from '../components/StatusTag';

export function LedgerScreen() {
  const { t, i18n } = useTranslation();
  const status = useLedger((s) => s.status);
  const revision = useLedger((s) => s.revision);
  const [checkpoints, setCheckpoints] = useState<CheckpointView[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!status?.available) return;
    void unwrap(ws().ledger.checkpoints()).then(setCheckpoints, (err: unknown) => setError(err instanceof HostCallError ? errorText(err.error) : String(err)));
  }, [revision, status?.available]);

  if (!status) return null;
  if (!status.available) return <Alert type="warning" showIcon title={t('ledger.unavailable')} description={status.unavailableReason} />;
  return (
    <>
      {status.forks.map((f, i) => (
        <Alert key={i} type="error" showIcon title={t('strip.fork', { message: f.message })} style={{ marginBottom: 12 }} />
      ))}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: 12, marginBottom: 12 }}>
        <div className="panel">
          <div className="panel-title">{t('ledger.state')}</div>
          <Descriptions size="small" column={1} bordered styles={{ label: { width: 190 } }} data-testid="ledger-state">
            <Descriptions.Item label={t('ledger.origin')}>
              <span className="mono">{status.origin}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('ledger.size')}>{status.size}</Descriptions.Item>
            <Descriptions.Item label={t('ledger.finalSize')}>
              {status.finalSize}{' '}
              {status.finalSize === status.size ? <StatusTag verdict="verified" text={t('ledger.allFinal')} /> : <StatusTag verdict="awaiting" />}
            </Descriptions.Item>
            <Descriptions.Item label={t('ledger.finalAt')}>{status.finalAt ? <LocalTime iso={status.finalAt} /> : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('ledger.policy')}>{t('settings.quorumValue', { k: status.witnessQuorum, n: status.witnesses.length })}</Descriptions.Item>
          </Descriptions>
        </div>
        <div className="panel">
          <div className="panel-title">{t('ledger.peers')}</div>
          <Table
            size="small"
            pagination={false}
            rowKey="name"
            dataSource={status.peers}
            columns={[
              {
                title: t('ledger.peer'),
                render: (_v, p) => (
                  <span>
                    {p.role === 'witness' ? <span className="mono">{p.name}</span> : t(`ledger.peerName.${p.role}`)}
                    {p.local && <Typography.Text type="secondary"> · {t('ledger.thisComputer')}</Typography.Text>}
                  </span>
                ),
              },
              { title: t('ledger.role'), dataIndex: 'role', width: 90, render: (v: string) => <Tag>{t(`ledger.peerRole.${v}`)}</Tag> },
              {
                title: t('ledger.peerState'),
                width: 220,
                render: (_v, p) =>
                  p.role === 'ledger'
                    ? t('ledger.peerSize', { n: p.amount ?? 0 })
                    : p.role === 'provider'
                      ? t('ledger.peerBytes', { size: formatBytes(p.amount ?? 0, i18n.language) })
                      : t(`ledger.peerState_${p.state.replace('-', '_')}`),
              },
            ]}
          />
        </div>
      </div>
      <div className="panel">
        <div className="panel-title">{t('ledger.checkpoints')}</div>
        <Table<CheckpointView>
          data-testid="checkpoints"
          size="small"
          rowKey={(c) => `${c.size}-${c.root}`}
          pagination={false}
          virtual
          scroll={{ y: 360 }}
          dataSource={checkpoints ?? []}
          columns={[
            { title: t('ledger.size'), dataIndex: 'size', width: 90, align: 'right' },
            { title: t('ledger.root'), dataIndex: 'root', render: (v: string) => <HashText value={v} short label={t('ledger.root')} /> },
            { title: t('ledger.time'), dataIndex: 'time', width: 220, render: (v: string) => <LocalTime iso={v} /> },
            { title: t('ledger.cosigners'), dataIndex: 'cosigners', render: (v: string[]) => v.join(', ') },
            { title: t('ledger.final'), dataIndex: 'final', width: 150, render: (v: boolean) => (v ? <StatusTag verdict="verified" /> : <StatusTag verdict="awaiting" />) },
          ]}
        />
      </div>
    </>
  );
}
