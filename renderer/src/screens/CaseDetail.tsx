// One case: its record, its exhibits with their custody timelines, "Verify now", custody transfer, and the
// whole case's timeline. The case's state lives in stores/case-detail.ts; only whether the transfer dialog is
// open is kept here.
import { useEffect, useState } from 'react';
import { Alert, Breadcrumb, Button, Descriptions, Form, Input, Modal, Select, Table, Tabs, Tooltip } from 'antd';
import { InboxOutlined, SafetyCertificateOutlined, SwapOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ExhibitSummary } from '../../../app/contract/api';
import { failureText } from '../i18n';
import { appActions } from '../stores/app';
import { useIdentity } from '../stores/identity';
import { caseDetailActions, exhibitActions, shownExhibits, shownSummary, transferActions, useCaseDetail, type TransferValues } from '../stores/case-detail';
import { LocalTime } from '../components/LocalTime';
import { HashText } from '../components/HashText';
import { CheckingTimeline, CustodyTimeline } from '../components/Custody';
import { StatusTag } from '../components/StatusTag';
import { verdictOf } from '../stores/case-timeline';
import { formatBytes } from '../core/format';
import { pageRows } from '../components/paging';

function TransferDialog({ exhibit, onClose }: { exhibit: ExhibitSummary | undefined; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const identity = useIdentity((s) => s.status);
  const [form] = Form.useForm<TransferValues>();
  const busy = useCaseDetail((s) => s.transfer.busy);
  const error = useCaseDetail((s) => s.transfer.error);
  const others = (identity?.identities ?? []).filter((i) => i.keyId !== identity?.unlocked?.keyId);
  const submit = async () => {
    const v = await form.validateFields().catch(() => undefined);
    if (!v || !exhibit) return;
    if (await transferActions.submit(v)) {
      form.resetFields();
      onClose(true);
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
      {error && <Alert type="error" showIcon title={failureText(error)} data-testid="transfer-error" />}
    </Modal>
  );
}

function ExhibitPanel({ exhibit }: { exhibit: ExhibitSummary }) {
  const { t, i18n } = useTranslation();
  const events = useCaseDetail((s) => s.exhibit.events);
  const indexed = useCaseDetail((s) => s.exhibit.indexed);
  const verifying = useCaseDetail((s) => s.exhibit.verifying);
  const error = useCaseDetail((s) => s.exhibit.error);
  const [transfer, setTransfer] = useState(false);

  return (
    <section className="panel" aria-label={t('exhibit.panel', { exhibitId: exhibit.exhibitId })} data-testid="exhibit-panel">
      <div className="panel-title">
        <span className="mono">{exhibit.exhibitId}</span>
        <span className="grow" />
        <Tooltip title={t('exhibit.verifyHelp')}>
          <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void exhibitActions.verify()} data-testid="verify-now">
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
      {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} data-testid="exhibit-error" />}
      {events ? <CustodyTimeline events={events} testId="exhibit-timeline" /> : indexed && <CheckingTimeline entries={indexed} testId="exhibit-timeline" />}
      <TransferDialog exhibit={transfer ? exhibit : undefined} onClose={() => setTransfer(false)} />
    </section>
  );
}

export function CaseDetail({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  useEffect(() => caseDetailActions.attach(caseId), [caseId]);
  const summary = useCaseDetail(shownSummary);
  const exhibits = useCaseDetail(shownExhibits);
  const verifiedExhibits = useCaseDetail((s) => s.case.exhibits);
  /** The host's verified timeline; until it comes, the cached index is drawn as "checking". */
  const verified = useCaseDetail((s) => s.case.timeline);
  const cached = useCaseDetail((s) => s.case.cached);
  const caseVerdict = useCaseDetail((s) => s.case.verdict);
  const selected = useCaseDetail((s) => s.case.selected);
  const error = useCaseDetail((s) => s.case.error);
  const byExhibit = useCaseDetail((s) => s.case.byExhibit);
  const checking = <StatusTag verdict="pending" text={t('timeline.checking')} />;
  const current = exhibits.find((e) => e.exhibitId === selected);

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <a onClick={() => appActions.go('cases')}>{t('nav.cases')}</a> }, { title: <span className="mono">{caseId}</span> }]}
      />
      {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} />}
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
                    onClick: () => caseDetailActions.select(r.exhibitId),
                    onKeyDown: (e) => {
                      if (e.key === 'Enter') caseDetailActions.select(r.exhibitId);
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
                        const v = verdictOf(byExhibit.get(r.exhibitId) ?? []);
                        return v ? <StatusTag verdict={v} text={v === 'failed' ? t('exhibit.failedShort') : undefined} /> : null;
                      },
                    },
                  ]}
                />
                {current && verifiedExhibits && <ExhibitPanel key={current.exhibitId} exhibit={current} />}
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
