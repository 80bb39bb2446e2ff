// The custody timeline (per exhibit or per case) and the Drawer with one event's record, signatures, keys and
// proof. Verdicts come from the host (timeline.*), computed from the ledger in this session; this only shows them.
import { useState } from 'react';
import { Descriptions, Drawer, Empty, Space, Table, Tag, Timeline, Typography } from 'antd';
import { CheckOutlined, ClockCircleOutlined, CloseOutlined, MinusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Check, IndexEntry, TimelineEvent } from '../../../app/contract/api';
import { StatusTag } from './StatusTag';
import { LocalTime } from './LocalTime';
import { HashText } from './HashText';
import { formatBytes, groupHex } from '../core/format';
import i18next from '../i18n';

const CHECK_ICON: Record<Check['state'], React.ReactNode> = {
  ok: <CheckOutlined style={{ color: '#389e0d' }} />,
  pending: <ClockCircleOutlined style={{ color: '#1d4f86' }} />,
  failed: <CloseOutlined style={{ color: '#cf1322' }} />,
  na: <MinusOutlined style={{ color: '#8a94a3' }} />,
};

export function verdictColor(v: TimelineEvent['verdict']): string {
  return v === 'verified' ? 'green' : v === 'awaiting' ? 'blue' : 'red';
}

/** One line that says what happened, in the UI's language. */
export function EventTitle({ e }: { e: Pick<TimelineEvent, 'type' | 'facts' | 'exhibitId' | 'caseId'> }) {
  const { t, i18n } = useTranslation();
  const f = e.facts;
  switch (e.type) {
    case 'case.open':
      return <>{t('event.caseOpen', { caseId: f.caseId, title: f.title })}</>;
    case 'deposition':
      return <>{t('event.deposition', { exhibitId: e.exhibitId, name: f.name, size: formatBytes(Number(f.size), i18n.language), depositor: f.depositor })}</>;
    case 'custody.transfer':
      return <>{t('event.transfer', { exhibitId: e.exhibitId, from: f.from, to: f.to, purpose: f.purpose })}</>;
    case 'integrity.check':
      return <>{t(f.scope === 'local' ? 'event.checkLocal' : 'event.checkProvider', { exhibitId: e.exhibitId, result: t(`event.result.${f.result}`), checker: f.checker })}</>;
    case 'access':
      return <>{t('event.access', { exhibitId: e.exhibitId, accessor: f.accessor, purpose: f.purpose })}</>;
    case 'disposition':
      return <>{t('event.disposition', { exhibitId: e.exhibitId, method: f.method })}</>;
    default:
      return <>{e.type}</>;
  }
}

/** A check's detail in the UI's language (from its stable code and values), else the host's own words. */
export function checkText(c: Check, t: TFunction): string {
  const key = `checkDetail.${c.code}`;
  if (!i18next.exists(key)) return c.detail;
  const params: Record<string, string> = { ...c.params };
  if (params.scope) params.scope = t(params.scope === 'local' ? 'reason.local' : 'reason.provider');
  return t(key, params);
}

function ChecksLine({ e }: { e: TimelineEvent }) {
  const { t } = useTranslation();
  return (
    <Space size={12} wrap className="checks">
      {(['signatures', 'enrolled', 'included', 'hash'] as const).map((k) => (
        <span key={k} title={checkText(e.checks[k], t)} data-check={k} data-state={e.checks[k].state}>
          {CHECK_ICON[e.checks[k].state]} {t(`check.${k}`)}
        </span>
      ))}
    </Space>
  );
}

/** The reason of a red state in the UI's language where the host gave the facts, else the host's own words. */
export function reasonText(e: TimelineEvent, t: TFunction): string | undefined {
  if (e.verdict !== 'failed') return undefined;
  const f = e.facts;
  if (e.type === 'integrity.check' && f.result === 'mismatch' && f.expectedSha256) {
    return t('reason.mismatch', {
      scope: t(f.scope === 'local' ? 'reason.local' : 'reason.provider'),
      observed: groupHex(f.sha256 ?? ''),
      observedSize: f.size,
      expected: groupHex(f.expectedSha256),
      expectedSize: f.expectedSize,
    });
  }
  if (e.type === 'deposition' && e.checks.hash.state === 'failed' && e.checks.signatures.state === 'ok' && e.checks.included.state !== 'failed') return t('reason.depositionHash');
  // Otherwise each failed check in the UI's language (the host's English `reason` only if none says why).
  const failed = (['signatures', 'enrolled', 'included', 'hash'] as const).filter((k) => e.checks[k].state === 'failed');
  if (failed.length > 0) return failed.map((k) => `${t(`check.${k}`)}: ${checkText(e.checks[k], t)}`).join('; ');
  return e.reason ?? undefined;
}

export function EventVerdict({ e }: { e: TimelineEvent }) {
  const { t } = useTranslation();
  const reason = reasonText(e, t);
  return <StatusTag verdict={e.verdict} {...(reason ? { reason } : {})} />;
}

export function CustodyTimeline({ events, testId }: { events: TimelineEvent[]; testId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<TimelineEvent>();
  if (events.length === 0) return <Empty description={t('timeline.empty')} />;
  return (
    <>
      <Timeline
        data-testid={testId}
        data-source="host"
        items={events.map((e) => ({
          key: e.index,
          color: verdictColor(e.verdict),
          content: (
            <div
              className={`event event-${e.verdict}`}
              data-testid={`event-${e.index}`}
              data-verdict={e.verdict}
              role="button"
              tabIndex={0}
              aria-label={t('timeline.open', { index: e.index })}
              onClick={() => setOpen(e)}
              onKeyDown={(k) => {
                if (k.key === 'Enter' || k.key === ' ') {
                  k.preventDefault();
                  setOpen(e);
                }
              }}
            >
              <div className="event-head">
                <LocalTime iso={e.time} />
                <span className="event-index">#{e.index}</span>
                <StatusTag verdict={e.verdict} />
              </div>
              <div className="event-title">
                <EventTitle e={e} />
              </div>
              {e.verdict === 'failed' && <div className="event-reason">{reasonText(e, t)}</div>}
              <ChecksLine e={e} />
            </div>
          ),
        }))}
      />
      <EventDrawer event={open} onClose={() => setOpen(undefined)} />
    </>
  );
}

/**
 * Events from this workstation's cached index (workspace/ledger-index.ts), drawn before the host has verified
 * them: grey, "checking", no checks and no drawer. The host's verified timeline replaces them as soon as it comes.
 */
export function CheckingTimeline({ entries, testId }: { entries: IndexEntry[]; testId: string }) {
  const { t } = useTranslation();
  if (entries.length === 0) return <Empty description={t('timeline.empty')} />;
  return (
    <div data-testid={testId} data-source="cache" aria-busy="true">
      <Typography.Paragraph type="secondary" className="cache-note">
        {t('timeline.fromCache')}
      </Typography.Paragraph>
      <Timeline
        items={entries.map((e) => ({
          key: e.index,
          color: 'gray',
          content: (
            <div className="event event-checking" data-testid={`event-${e.index}`} data-verdict="checking">
              <div className="event-head">
                <LocalTime iso={e.time} />
                <span className="event-index">#{e.index}</span>
                <StatusTag verdict="pending" text={t('timeline.checking')} />
              </div>
              <div className="event-title">
                <EventTitle e={e} />
              </div>
            </div>
          ),
        }))}
      />
    </div>
  );
}

export function EventDrawer({ event, onClose }: { event: TimelineEvent | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer open={event !== undefined} onClose={onClose} size={720} title={event ? <EventTitle e={event} /> : null} data-testid="event-drawer" destroyOnHidden>
      {event && (
        <>
          <Descriptions bordered size="small" column={1} styles={{ label: { width: 190 } }}>
            <Descriptions.Item label={t('drawer.verdict')}>
              <EventVerdict e={event} />
            </Descriptions.Item>
            <Descriptions.Item label={t('drawer.entry')}>#{event.index}</Descriptions.Item>
            <Descriptions.Item label={t('drawer.time')}>
              <LocalTime iso={event.time} />
            </Descriptions.Item>
            {(['signatures', 'enrolled', 'included', 'hash'] as const).map((k) => (
              <Descriptions.Item key={k} label={t(`check.${k}`)}>
                <Space align="start">
                  {CHECK_ICON[event.checks[k].state]}
                  <span className="check-detail">{checkText(event.checks[k], t)}</span>
                </Space>
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('drawer.signatures')}
          </Typography.Title>
          <Table
            size="small"
            pagination={false}
            rowKey="role"
            dataSource={event.signers}
            columns={[
              { title: t('drawer.role'), dataIndex: 'role', width: 110, render: (v: string) => (i18next.exists(`sigRole.${v}`) ? t(`sigRole.${v}`) : v) },
              { title: t('drawer.signer'), render: (_v, s) => (s.enrolledAt === null && s.memberRole === 'none' ? t('drawer.unknownKey') : `${s.name}${s.badge ? ` · ${s.badge}` : ''}`) },
              { title: t('drawer.keyId'), render: (_v, s) => <HashText value={s.keyId} short label={t('drawer.keyId')} /> },
              { title: t('drawer.enrolledAt'), dataIndex: 'enrolledAt', width: 90, render: (v: number | null) => (v === null ? '—' : `#${v}`) },
              {
                title: t('drawer.valid'),
                width: 90,
                render: (_v, s) => (s.valid ? <Tag color="success">{t('drawer.sigValid')}</Tag> : <Tag color="error">{t('drawer.sigInvalid')}</Tag>),
              },
            ]}
          />
          {event.proof && (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('drawer.proof')}
              </Typography.Title>
              <Descriptions bordered size="small" column={1} styles={{ label: { width: 190 } }}>
                <Descriptions.Item label={t('drawer.leafHash')}>
                  <HashText value={event.proof.leafHash} />
                </Descriptions.Item>
                <Descriptions.Item label={t('drawer.treeSize')}>{event.proof.treeSize}</Descriptions.Item>
                <Descriptions.Item label={t('drawer.root')}>
                  <HashText value={event.proof.root} />
                </Descriptions.Item>
                <Descriptions.Item label={t('drawer.path')}>
                  {event.proof.path.map((h, i) => (
                    <div key={i}>
                      <HashText value={h} short />
                    </div>
                  ))}
                </Descriptions.Item>
                <Descriptions.Item label={t('drawer.cosigners')}>{event.proof.cosigners.join(', ') || t('common.none')}</Descriptions.Item>
              </Descriptions>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('drawer.checkpoint')}
              </Typography.Title>
              <pre className="mono record">{event.proof.checkpointNote}</pre>
            </>
          )}
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('drawer.record')}
          </Typography.Title>
          <Typography.Paragraph copyable={{ text: event.entry, tooltips: [t('common.copy'), t('common.copied')] }} style={{ marginBottom: 4 }}>
            {t('drawer.recordHelp')}
          </Typography.Paragraph>
          <pre className="mono record">{JSON.stringify(JSON.parse(event.entry), null, 2)}</pre>
        </>
      )}
    </Drawer>
  );
}
