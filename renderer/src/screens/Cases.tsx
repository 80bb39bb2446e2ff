// Cases: the list with search, a dialog to open a new case, and the open case (CaseDetail). The list's state
// lives in stores/cases.ts; only whether the new-case dialog is open is kept here.
import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Table, Typography } from 'antd';
import { LoadingOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CaseSummary } from '../../../app/contract/api';
import { failureText } from '../i18n';
import { appActions, useApp } from '../stores/app';
import { casesActions, casesSource, shownCases, useCases, type NewCase } from '../stores/cases';
import { LocalTime } from '../components/LocalTime';
import { CaseDetail } from './CaseDetail';

export function NewCaseDialog({ open, onClose }: { open: boolean; onClose: (created?: CaseSummary) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewCase>();
  const busy = useCases((s) => s.creating.busy);
  const error = useCases((s) => s.creating.error);
  const submit = async () => {
    const v = await form.validateFields().catch(() => undefined);
    if (!v) return;
    const created = await casesActions.open(v);
    if (!created) return;
    form.resetFields();
    onClose(created);
  };
  return (
    <Modal
      open={open}
      title={t('cases.newTitle')}
      okText={t('cases.sign')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={() => onClose()}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'case-submit' } as Record<string, string>}
      width={620}
      destroyOnHidden
    >
      <p style={{ color: '#5b6573' }}>{t('cases.newHelp')}</p>
      <Form form={form} layout="vertical" requiredMark={false}>
        <div style={{ display: 'grid', gridTemplateColumns: '1fr 2fr', gap: 12 }}>
          <Form.Item name="caseId" label={t('cases.caseId')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input autoFocus className="mono" placeholder="CASE-2026-00017" />
          </Form.Item>
          <Form.Item name="title" label={t('cases.titleField')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
        </div>
        <Form.Item name="agency" label={t('cases.agency')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('cases.description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={failureText(error)} data-testid="case-error" />}
    </Modal>
  );
}

export function CasesScreen() {
  const { t } = useTranslation();
  const caseId = useApp((s) => s.caseId);
  const search = useCases((s) => s.search);
  const rows = useCases(shownCases);
  const source = useCases(casesSource);
  const error = useCases((s) => s.error);
  const [creating, setCreating] = useState(false);
  useEffect(() => casesActions.attach(), []);

  if (caseId) return <CaseDetail caseId={caseId} />;

  return (
    <>
      <div className="toolbar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('cases.search')}
          aria-label={t('cases.search')}
          value={search}
          onChange={(e) => casesActions.setSearch(e.target.value)}
          style={{ width: 360 }}
        />
        <span className="grow" />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-case">
          {t('cases.new')}
        </Button>
      </div>
      {error && <Alert type="warning" showIcon title={failureText(error)} style={{ marginBottom: 12 }} />}
      {source === 'cache' && !error && (
        <Typography.Paragraph type="secondary" className="cache-note" data-testid="cases-from-cache">
          <LoadingOutlined /> {t('cases.fromCache')}
        </Typography.Paragraph>
      )}
      <Table<CaseSummary>
        data-testid="cases-table"
        data-source={source}
        size="small"
        rowKey="caseId"
        loading={rows === undefined && !error}
        dataSource={rows ?? []}
        pagination={false}
        virtual
        scroll={{ y: 520 }}
        locale={{ emptyText: t('cases.empty') }}
        onRow={(c) => ({
          onClick: () => appActions.openCase(c.caseId),
          onKeyDown: (e) => {
            if (e.key === 'Enter') appActions.openCase(c.caseId);
          },
          tabIndex: 0,
          'aria-label': t('cases.openCase', { caseId: c.caseId }),
        })}
        columns={[
          { title: t('cases.caseId'), dataIndex: 'caseId', width: 180, render: (v: string) => <span className="mono">{v}</span> },
          { title: t('cases.titleField'), dataIndex: 'title' },
          { title: t('cases.agency'), dataIndex: 'agency', width: 220 },
          { title: t('cases.exhibits'), dataIndex: 'exhibits', width: 90, align: 'right' },
          { title: t('cases.openedBy'), width: 160, render: (_v, c) => c.openedBy.name },
          { title: t('cases.openedAt'), dataIndex: 'openedAt', width: 210, render: (v: string) => <LocalTime iso={v} /> },
        ]}
      />
      <NewCaseDialog
        open={creating}
        onClose={(created) => {
          setCreating(false);
          if (created) appActions.openCase(created.caseId);
        }}
      />
    </>
  );
}
