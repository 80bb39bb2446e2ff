// One case: its record, its exhibits with their custody timelines, "Verify now", custody transfer, and the
// whole case's timeline.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Alert, Breadcrumb, Button, Descriptions, Form, Input, Modal, Select, Table, Tabs, Tooltip } from 'antd';
import { InboxOutlined, SafetyCertificateOutlined, SwapOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CaseSummary, ExhibitSummary, TimelineEvent } from '../../../app/contract/api';
import { HostCallError, unwrap, ws } from '../host';
import { errorText } from '../i18n';
import { appActions } from '../stores/app';
import { useLedger, ledgerActions } from '../stores/ledger';
import { useIdentity } from '../stores/identity';
import { LocalTime } from '../components/LocalTime';
import { HashText } from '../components/HashText';
import { CheckingTimeline, CustodyTimeline } from '../components/Custody';
import { workspace } from '../workspace/db';
import { casesFromIndex, eventsFromIndex, exhibitsFromIndex } from '../workspace/ledger-index';
import { StatusTag } from '../components/StatusTag';
import { formatBytes } from '../core/format';
import { pageRows } from '../components/paging';

function verdictOf(events: TimelineEvent[]): TimelineEvent['verdict'] | undefined {
  if (events.length === 0) return undefined;
  if (events.some((e) => e.verdict === 'failed')) return 'failed';
  if (events.some((e) => e.verdict === 'awaiting')) return 'awaiting';
  return 'verified';
}

function TransferDialog({ exhibit, onClose }: { exhibit: ExhibitSummary | undefined; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const identity = useIdentity((s) => s.status);
  const [form] = Form.useForm<{ to: string; purpose: string; location?: string; releasingPassphrase: string; receivingPassphrase: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const others = (identity?.identities ?? []).filter((i) => i.keyId !== identity?.unlocked?.keyId);
  const submit = async () => {
    const v = await form.validateFields().catch(() => undefined);
    if (!v || !exhibit) return;
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(ws().custody.transfer({ exhibitId: exhibit.exhibitId, ...v }));
      form.resetFields();
      onClose(true);
    } catch (err) {
      setError(err instanceof HostCallError ? errorText(err.error) : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={exhibit !== undefined}
      title={t('transfer.title', { exhibitId: exhibit?.exhibitId })}
      okText={t('transfer.sign')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={() => onClose(false)}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'transfer-submit' } as Record<string, string>}
      width={640}
      destroyOnHidden
    >
      <p style={{ color: '#5b6573' }}>{t('transfer.help')}</p>
      {others.length === 0 && <Alert type="warning" showIcon title={t('transfer.noOther')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="to" label={t('transfer.to')} rules={[{ required: true, message: t('common.required') }]}>
          <Select
            aria-label={t('transfer.to')}
            data-testid="transfer-to"
            options={others.map((o) => ({ value: o.keyId, label: `${o.name} · ${t('top.badge', { badge: o.badge })} · ${t(`role.${o.role}`)}` }))}
          />
        </Form.Item>
        <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
          <Form.Item name="purpose" label={t('transfer.purpose')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="location" label={t('transfer.location')}>
            <Input />
          </Form.Item>
        </div>
        <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
          <Form.Item name="releasingPassphrase" label={t('transfer.releasing', { name: identity?.unlocked?.name ?? '' })} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoComplete="off" />
          </Form.Item>
          <Form.Item name="receivingPassphrase" label={t('transfer.receiving')} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoComplete="off" />
          </Form.Item>
        </div>
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="transfer-error" />}
    </Modal>
  );
}

function ExhibitPanel({ exhibit, onChanged }: { exhibit: ExhibitSummary; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const revision = useLedger((s) => s.revision);
  const [events, setEvents] = useState<TimelineEvent[]>();
  const [verifying, setVerifying] = useState(false);
  const [error, setError] = useState<string>();
  const [transfer, setTransfer] = useState(false);
  const indexed = useLiveQuery(() => workspace.ledgerEntries.where('exhibitId').equals(exhibit.exhibitId).toArray(), [exhibit.exhibitId]);

  useEffect(() => {
    let live = true;
    unwrap(ws().timeline.exhibit({ exhibitId: exhibit.exhibitId }))
      .then((e) => live && setEvents(e))
      .catch((err: unknown) => live && setError(err instanceof HostCallError ? errorText(err.error) : String(err)));
    return () => {
      live = false;
    };
  }, [exhibit.exhibitId, revision]);

  const verify = async () => {
    setVerifying(true);
    setError(undefined);
    try {
      await unwrap(ws().integrity.verify({ exhibitId: exhibit.exhibitId }));
      ledgerActions.changed(undefined);
      onChanged();
    } catch (err) {
      setError(err instanceof HostCallError ? errorText(err.error) : String(err));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <section className="panel" aria-label={t('exhibit.panel', { exhibitId: exhibit.exhibitId })} data-testid="exhibit-panel">
      <div className="panel-title">
        <span className="mono">{exhibit.exhibitId}</span>
        <span className="grow" />
        <Tooltip title={t('exhibit.verifyHelp')}>
          <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()} data-testid="verify-now">
            {t('exhibit.verify')}
          </Button>
        </Tooltip>
        <Button icon={<SwapOutlined />} onClick={() => setTransfer(true)} disabled={exhibit.disposed} data-testid="transfer">
          {t('exhibit.transfer')}
        </Button>
      </div>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 140 } }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('exhibit.name')}>{exhibit.name}</Descriptions.Item>
        <Descriptions.Item label={t('exhibit.description')}>{exhibit.description || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('exhibit.size')}>
          <Tooltip title={t('exhibit.bytes', { n: exhibit.size.toLocaleString(i18n.language) })}>{formatBytes(exhibit.size, i18n.language)}</Tooltip>
        </Descriptions.Item>
        <Descriptions.Item label="SHA-256">
          <HashText value={exhibit.sha256} label="SHA-256" />
        </Descriptions.Item>
        <Descriptions.Item label={t('exhibit.holder')}>
          <span data-testid="holder">
            {exhibit.holder.name}
            {exhibit.holder.badge ? ` · ${t('top.badge', { badge: exhibit.holder.badge })}` : ''}
          </span>
        </Descriptions.Item>
      </Descriptions>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="exhibit-error" />}
      {events ? <CustodyTimeline events={events} testId="exhibit-timeline" /> : indexed && <CheckingTimeline entries={eventsFromIndex(indexed, { exhibitId: exhibit.exhibitId })} testId="exhibit-timeline" />}
      <TransferDialog
        exhibit={transfer ? exhibit : undefined}
        onClose={(done) => {
          setTransfer(false);
          if (done) {
            ledgerActions.changed(undefined);
            onChanged();
          }
        }}
      />
    </section>
  );
}

export function CaseDetail({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const revision = useLedger((s) => s.revision);
  const [verifiedSummary, setSummary] = useState<CaseSummary>();
  const [verifiedExhibits, setExhibits] = useState<ExhibitSummary[]>();
  /** The host's verified timeline; until it comes, the cached index is drawn as "checking". */
  const [verified, setTimeline] = useState<TimelineEvent[]>();
  const indexed = useLiveQuery(() => workspace.ledgerEntries.where('caseId').equals(caseId).toArray(), [caseId]);
  const cached = useMemo(() => (indexed ? { summary: casesFromIndex(indexed).find((c) => c.caseId === caseId), exhibits: exhibitsFromIndex(indexed, caseId), events: eventsFromIndex(indexed, { caseId }) } : undefined), [indexed, caseId]);
  const summary = verifiedSummary ?? cached?.summary;
  const exhibits = verifiedExhibits ?? cached?.exhibits ?? [];
  const timeline = verified ?? [];
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [list, ex, tl] = await Promise.all([unwrap(ws().cases.list({})), unwrap(ws().cases.exhibits({ caseId })), unwrap(ws().timeline.case({ caseId }))]);
        if (!live) return;
        setSummary(list.find((c) => c.caseId === caseId));
        setExhibits(ex);
        setTimeline(tl);
        setSelected((s) => s ?? ex[0]?.exhibitId);
      } catch (err) {
        if (live) setError(err instanceof HostCallError ? errorText(err.error) : String(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [caseId, revision, tick]);

  // Each exhibit's events, grouped once (a case of thousands of exhibits filtered the whole timeline per row).
  const eventsByExhibit = useMemo(() => {
    const byId = new Map<string, TimelineEvent[]>();
    for (const e of timeline) {
      if (e.exhibitId === null || e.exhibitId === undefined) continue;
      const list = byId.get(e.exhibitId);
      if (list) list.push(e);
      else byId.set(e.exhibitId, [e]);
    }
    return byId;
  }, [timeline]);
  const exhibitVerdict = (id: string) => verdictOf(eventsByExhibit.get(id) ?? []);
  const checking = <StatusTag verdict="pending" text={t('timeline.checking')} />;
  const current = exhibits.find((e) => e.exhibitId === selected);
  const caseVerdict = verdictOf(timeline);

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <a onClick={() => appActions.go('cases')}>{t('nav.cases')}</a> }, { title: <span className="mono">{caseId}</span> }]}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {summary && (
        <div className="panel" style={{ marginBottom: 12 }}>
          <div className="panel-title">
            <span data-testid="case-title">{summary.title}</span>
            {verified ? caseVerdict && <StatusTag verdict={caseVerdict} /> : checking}
            <span className="grow" />
            <Button type="primary" icon={<InboxOutlined />} onClick={() => appActions.go('intake')} data-testid="add-evidence">
              {t('case.addEvidence')}
            </Button>
          </div>
          <Descriptions size="small" column={3} styles={{ label: { color: '#5b6573' } }}>
            <Descriptions.Item label={t('cases.caseId')}>
              <span className="mono">{summary.caseId}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('cases.agency')}>{summary.agency}</Descriptions.Item>
            <Descriptions.Item label={t('cases.openedBy')}>
              <span>
                {summary.openedBy.name} · <LocalTime iso={summary.openedAt} />
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('cases.description')} span={3}>
              {summary.description || '—'}
            </Descriptions.Item>
          </Descriptions>
        </div>
      )}
      <Tabs
        items={[
          {
            key: 'exhibits',
            label: t('case.exhibitsTab', { n: exhibits.length }),
            children: (
              <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1.3fr) minmax(0, 1fr)', gap: 12, alignItems: 'start' }}>
                <Table<ExhibitSummary>
                  data-testid="exhibits-table"
                  size="small"
                  rowKey="exhibitId"
                  pagination={pageRows(exhibits.length, (count) => t('case.exhibitRows', { count }))}
                  dataSource={exhibits}
                  locale={{ emptyText: t('case.noExhibits') }}
                  rowClassName={(r) => (r.exhibitId === selected ? 'row-selected' : '')}
                  onRow={(r) => ({
                    onClick: () => setSelected(r.exhibitId),
                    onKeyDown: (e) => {
                      if (e.key === 'Enter') setSelected(r.exhibitId);
                    },
                    tabIndex: 0,
                  })}
                  columns={[
                    { title: t('exhibit.id'), dataIndex: 'exhibitId', width: 172, render: (v: string) => <span className="mono">{v}</span> },
                    { title: t('exhibit.name'), dataIndex: 'name', ellipsis: { showTitle: true } },
                    { title: t('exhibit.size'), dataIndex: 'size', width: 82, align: 'right', render: (v: number) => formatBytes(v, i18n.language) },
                    {
                      title: t('exhibit.status'),
                      width: 150,
                      render: (_v, r) => {
                        if (!verified) return checking;
                        const v = exhibitVerdict(r.exhibitId);
                        return v ? <StatusTag verdict={v} text={v === 'failed' ? t('exhibit.failedShort') : undefined} /> : null;
                      },
                    },
                  ]}
                />
                {current && verifiedExhibits && <ExhibitPanel key={current.exhibitId} exhibit={current} onChanged={refresh} />}
              </div>
            ),
          },
          {
            key: 'timeline',
            label: t('case.timelineTab'),
            children: (
              <div className="panel">
                {verified ? <CustodyTimeline events={verified} testId="case-timeline" /> : cached && <CheckingTimeline entries={cached.events} testId="case-timeline" />}
              </div>
            ),
          },
        ]}
      />
    </>
  );
}
