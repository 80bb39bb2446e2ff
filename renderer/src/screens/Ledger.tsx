// The ledger view: its state (size, last final checkpoint, witness policy), how this workstation's verified copy
// is kept (standalone: it is the ledger; network: the mirror's sync state with the node), the parties and their
// state, the checkpoints (blocks) with size, root, time and cosigning witnesses, and any fork alarm.
import { useEffect } from 'react';
import { Alert, Descriptions, Progress, Table, Tag, Typography } from 'antd';
import { formatBytes } from '../core/format';
import { useTranslation } from 'react-i18next';
import type { CheckpointView, LedgerStatus } from '../../../app/contract/api';
import { errorText, failureText, hostText } from '../i18n';
import { checkpointsActions, useCheckpoints } from '../stores/checkpoints';
import { useLedger } from '../stores/ledger';
import { HashText } from '../components/HashText';
import { LocalTime } from '../components/LocalTime';
import { StatusTag } from '../components/StatusTag';
import { NetworkBadge } from '../components/TopBar';

function Peers({ status }: { status: LedgerStatus }) {
  const { t, i18n } = useTranslation();
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="name"
      dataSource={status.peers}
      data-testid="peers"
      columns={[
        {
          title: t('ledger.peer'),
          render: (_v, p) => (
            <span>
              {p.role === 'witness' ? <span className="mono">{p.name}</span> : t(p.role === 'ledger' && !p.local ? 'ledger.peerName.ledgerNode' : `ledger.peerName.${p.role}`)}
              {p.local && <Typography.Text type="secondary"> · {t('ledger.thisComputer')}</Typography.Text>}
              {p.url && (
                <div>
                  <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
                    {p.url}
                  </Typography.Text>
                </div>
              )}
            </span>
          ),
        },
        { title: t('ledger.role'), dataIndex: 'role', width: 90, render: (v: string) => <Tag>{t(`ledger.peerRole.${v}`)}</Tag> },
        {
          title: t('ledger.peerState'),
          width: 230,
          render: (_v, p) => {
            if (p.state === 'unreachable') return <Typography.Text type="danger">{t('ledger.peerState_unreachable')}</Typography.Text>;
            if (p.role === 'ledger') return t('ledger.peerSize', { n: p.amount ?? 0 });
            if (p.role === 'provider') return p.amount === null ? t('ledger.peerState_online') : t('ledger.peerBytes', { size: formatBytes(p.amount, i18n.language) });
            return t(`ledger.peerState_${p.state.replace('-', '_')}`);
          },
        },
      ]}
    />
  );
}

function SyncPanel({ status }: { status: LedgerStatus }) {
  const { t } = useTranslation();
  const s = status.sync;
  if (s.state === 'local') return null;
  const pct = s.target ? Math.floor((100 * s.size) / s.target) : 100;
  return (
    <div className="panel" style={{ marginBottom: 12 }} data-testid="sync-panel">
      <div className="panel-title">{t('ledger.sync')}</div>
      <Descriptions size="small" column={2} bordered styles={{ label: { width: 170 } }}>
        <Descriptions.Item label={t('ledger.syncState')}>
          <NetworkBadge mode="network" sync={s.state} testId="sync-badge" />
        </Descriptions.Item>
        <Descriptions.Item label={t('ledger.checkedAt')}>{s.checkedAt ? <LocalTime iso={s.checkedAt} /> : t('ledger.never')}</Descriptions.Item>
        {s.state === 'syncing' && (
          <Descriptions.Item label={t('ledger.size')} span={2}>
            <Progress percent={pct} size="small" format={() => `${s.size} / ${s.target ?? s.size}`} />
          </Descriptions.Item>
        )}
        {s.state !== 'synced' && (
          <Descriptions.Item label={t('ledger.detail')} span={2}>
            <Typography.Text>{t(`top.networkStateHelp.${s.state}`)}</Typography.Text>
            {hostText(s.reason, s.detail) && (
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="sync-detail">
                  {hostText(s.reason, s.detail)}
                </Typography.Text>
              </div>
            )}
          </Descriptions.Item>
        )}
      </Descriptions>
    </div>
  );
}

export function LedgerScreen() {
  const { t } = useTranslation();
  const status = useLedger((s) => s.status);
  const checkpoints = useCheckpoints((s) => s.checkpoints);
  const error = useCheckpoints((s) => s.error);
  useEffect(() => checkpointsActions.attach(), []);

  if (!status) return null;
  const forks = status.forks.map((f, i) => <Alert key={i} type="error" showIcon title={t('strip.fork', { message: hostText(f.reason, f.message) })} style={{ marginBottom: 12 }} />);
  if (!status.available) {
    if (status.sync.state === 'misconfigured' && status.peers.length === 0 && status.origin === null) {
      return <Alert type="warning" showIcon title={t('ledger.unavailable')} description={status.unavailableError ? errorText(status.unavailableError) : status.unavailableReason} data-testid="ledger-unavailable" />;
    }
    return (
      <>
        {forks}
        <Alert type="warning" showIcon title={t('ledger.notVerifiedTitle')} description={t(`top.networkStateHelp.${status.sync.state === 'local' || status.sync.state === 'synced' ? 'empty' : status.sync.state}`)} style={{ marginBottom: 12 }} />
        <SyncPanel status={status} />
        {status.peers.length > 0 && (
          <div className="panel">
            <div className="panel-title">{t('ledger.peers')}</div>
            <Peers status={status} />
          </div>
        )}
      </>
    );
  }
  return (
    <>
      {forks}
      {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} />}
      <SyncPanel status={status} />
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
          <Peers status={status} />
        </div>
      </div>
      <div className="panel">
        <div className="panel-title">{t('ledger.checkpoints')}</div>
        <Table<CheckpointView>
          data-testid="checkpoints"
          size="small"
          rowKey={(c) => `${c.size}-${c.root}-${c.time}`}
          pagination={false}
          virtual
          scroll={{ y: 360 }}
          dataSource={checkpoints ?? []}
          columns={[
            {
              title: t('ledger.blockEntries'),
              key: 'entries',
              width: 90,
              render: (_: unknown, c: CheckpointView) => (c.size > c.firstIndex ? `${c.firstIndex}–${c.size - 1}` : t('common.none')),
            },
            { title: t('ledger.size'), dataIndex: 'size', width: 70, align: 'right' },
            { title: t('ledger.root'), dataIndex: 'root', width: 200, render: (v: string) => <HashText value={v} short label={t('ledger.root')} /> },
            {
              title: t('ledger.prevHash'),
              dataIndex: 'prevHash',
              width: 200,
              render: (v: string | null) => (v === null ? t('ledger.firstSeen') : <HashText value={v} short label={t('ledger.prevHash')} />),
            },
            { title: t('ledger.time'), dataIndex: 'time', width: 200, render: (v: string) => <LocalTime iso={v} /> },
            { title: t('ledger.cosigners'), dataIndex: 'cosigners', render: (v: string[]) => v.join(', ') },
            { title: t('ledger.final'), dataIndex: 'final', width: 110, render: (v: boolean) => (v ? <StatusTag verdict="verified" /> : <StatusTag verdict="awaiting" />) },
          ]}
        />
      </div>
    </>
  );
}
