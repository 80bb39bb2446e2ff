// Intake: drop files or folders, watch them staged (web) and hashed with per-file and total progress, rate and
// ETA; errors per file in plain words; duplicates flagged; exhibit metadata per item. The draft lives in the
// Dexie workspace, so a reload or a crash loses nothing typed; the deposition wizard takes it from there. The
// screen's state lives in stores/intake.ts; only a field's text being typed is kept here.
import { useEffect, useLayoutEffect, useState } from 'react';
import { Alert, Button, Checkbox, Empty, Form, Input, Progress, Select, Space, Table, Tag, Tooltip, Typography, Upload, type InputProps } from 'antd';
import { CloudUploadOutlined, DeleteOutlined, InboxOutlined, StopOutlined, WarningFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { droppedItems } from '../transport/drop';
import { ws } from '../host';
import { errorText } from '../i18n';
import { appActions } from '../stores/app';
import { intakeActions, useIntake } from '../stores/intake';
import type { DraftItem } from '../workspace/db';
import { formatBytes, formatDuration, formatRate } from '../core/format';
import { HashText } from '../components/HashText';
import { pageRows } from '../components/paging';
import { DepositWizard } from './DepositWizard';

/**
 * A text field of a draft row: what is typed shows at once and is saved behind it. Bound to the saved value
 * alone, a large draft (each save rewrites it) dropped the keystrokes typed while a save was on its way. The
 * saved value is shown again whenever the field is not being typed in.
 */
function DraftText({ value, onSave, ...rest }: Omit<InputProps, 'value' | 'onChange'> & { value: string; onSave: (text: string) => void }) {
  const [text, setText] = useState(value);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(value);
  }, [value, editing]);
  return (
    <Input
      {...rest}
      value={text}
      onFocus={() => setEditing(true)}
      onBlur={() => setEditing(false)}
      onChange={(e) => {
        setText(e.target.value);
        onSave(e.target.value);
      }}
    />
  );
}

function MetadataForm({ item }: { item: DraftItem }) {
  const { t } = useTranslation();
  return (
    <Form
      layout="vertical"
      size="small"
      initialValues={item}
      onValuesChange={(changed: Partial<DraftItem>) => void intakeActions.editRow(item.index, changed)}
      className="metadata-form"
      style={{ display: 'grid', gridTemplateColumns: '1fr 1fr 1fr', gap: '0 12px', maxWidth: 980 }}
    >
      <Form.Item name="seizedAt" label={t('intake.seizedAt')}>
        <Input type="datetime-local" aria-label={t('intake.seizedAt')} />
      </Form.Item>
      <Form.Item name="seizedPlace" label={t('intake.seizedPlace')}>
        <Input aria-label={t('intake.seizedPlace')} />
      </Form.Item>
      <Form.Item name="seizedBy" label={t('intake.seizedBy')}>
        <Input aria-label={t('intake.seizedBy')} />
      </Form.Item>
      <Form.Item name="notes" label={t('intake.notes')} style={{ gridColumn: '1 / span 3' }}>
        <Input.TextArea rows={2} aria-label={t('intake.notes')} />
      </Form.Item>
    </Form>
  );
}

export function IntakeScreen() {
  const { t, i18n } = useTranslation();
  const cases = useIntake((s) => s.cases);
  const caseId = useIntake((s) => s.caseId);
  const draft = useIntake((s) => s.draft);
  const staged = useIntake((s) => s.staged);
  const progress = useIntake((s) => s.progress);
  const wizard = useIntake((s) => s.wizard);
  const { recorded, included, idProblems, usedIds } = useIntake((s) => s.view);
  const lng = i18n.language;
  // Before the first paint: the case picker starts on the Cases screen's open case.
  useLayoutEffect(() => intakeActions.attach(), []);

  if (cases !== undefined && cases.length === 0) {
    return (
      <Empty description={t('intake.noCase')}>
        <Button type="primary" onClick={() => appActions.go('cases')}>
          {t('intake.toCases')}
        </Button>
      </Empty>
    );
  }

  const busy = draft?.phase === 'staging' || draft?.phase === 'hashing';
  return (
    <>
      <div className="toolbar">
        <span>{t('intake.case')}</span>
        <Select
          aria-label={t('intake.case')}
          data-testid="intake-case"
          style={{ width: 420 }}
          value={caseId}
          onChange={intakeActions.pickCase}
          options={(cases ?? []).map((c) => ({ value: c.caseId, label: `${c.caseId} — ${c.title}` }))}
        />
        <span className="grow" />
        {draft && !busy && (
          <Button icon={<DeleteOutlined />} onClick={() => void intakeActions.discard()}>
            {t('intake.discard')}
          </Button>
        )}
        <Button
          type="primary"
          icon={<CloudUploadOutlined />}
          disabled={!draft || busy || included.length === 0 || idProblems.length > 0}
          onClick={intakeActions.openWizard}
          data-testid="start-deposit"
        >
          {t('intake.deposit', { count: included.length })}
        </Button>
      </div>

      {/* Drops are read here (capture phase) so that folders are walked with their relative paths (the
          transport's droppedItems); the Dragger itself handles clicking to choose files. */}
      <div
        onDropCapture={(e) => {
          if (!caseId || busy || e.dataTransfer.items.length === 0) return;
          e.preventDefault();
          e.stopPropagation();
          void droppedItems(e.dataTransfer, ws().shell.kind).then(intakeActions.start);
        }}
      >
      <Upload.Dragger
        multiple
        showUploadList={false}
        disabled={!caseId || busy}
        beforeUpload={(file, list) => {
          // Called once per file with the whole drop: take the drop when its first file arrives.
          if (file === list[0]) void intakeActions.start(list.map((f) => ({ file: f, ...(f.webkitRelativePath ? { relativePath: f.webkitRelativePath } : {}) })));
          return false;
        }}
        data-testid="drop-zone"
        aria-label={t('intake.dropLabel')}
        height={draft && draft.items.length > 0 ? 64 : 180}
        style={{ marginBottom: 12 }}
      >
        {draft && draft.items.length > 0 ? (
          <p className="ant-upload-text" style={{ margin: 0 }}>
            <InboxOutlined style={{ color: '#1d4f86', marginRight: 8 }} />
            {t('intake.drop')}
          </p>
        ) : (
          <>
            <p className="ant-upload-drag-icon" style={{ marginBottom: 4 }}>
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('intake.drop')}</p>
            <p className="ant-upload-hint">{t('intake.dropHint')}</p>
          </>
        )}
      </Upload.Dragger>
      </div>

      {draft?.phase === 'staging' && (
        <div className="panel" style={{ marginBottom: 12 }} data-testid="staging">
          <div className="panel-title">{t('intake.staging', { names: draft.dropped.join(', ') })}</div>
          <Progress percent={staged && staged.total ? Math.floor((100 * staged.done) / staged.total) : 0} status="active" aria-label={t('intake.stagingLabel')} />
          {staged && <Typography.Text type="secondary">{t('intake.bytes', { done: formatBytes(staged.done, lng), total: formatBytes(staged.total, lng) })}</Typography.Text>}
        </div>
      )}
      {draft?.phase === 'hashing' && (
        <div className="panel" style={{ marginBottom: 12 }} data-testid="hashing">
          <div className="panel-title">
            {t('intake.hashing')}
            <span className="grow" />
            <Button size="small" icon={<StopOutlined />} onClick={intakeActions.cancel}>
              {t('common.cancel')}
            </Button>
          </div>
          <Progress
            percent={progress && progress.bytesTotal ? Math.floor((100 * progress.bytesDone) / progress.bytesTotal) : 0}
            status="active"
            aria-label={t('intake.hashingLabel')}
          />
          {progress && (
            <>
              <Typography.Text type="secondary">
                {t('intake.total', {
                  files: progress.filesDone,
                  filesTotal: progress.filesTotal,
                  done: formatBytes(progress.bytesDone, lng),
                  total: formatBytes(progress.bytesTotal, lng),
                  rate: formatRate(progress.rate, lng),
                  eta: formatDuration(progress.etaSeconds),
                })}
              </Typography.Text>
              {progress.current.map((c) => (
                <div key={c.index} style={{ display: 'flex', gap: 8, alignItems: 'center', fontSize: 12 }}>
                  <span style={{ width: 320, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{c.displayPath}</span>
                  <Progress percent={c.size ? Math.floor((100 * c.bytesDone) / c.size) : 100} size="small" style={{ width: 240, margin: 0 }} />
                  <span>
                    {formatRate(c.rate, lng)} · {formatDuration(c.etaSeconds)}
                  </span>
                </div>
              ))}
            </>
          )}
        </div>
      )}
      {draft?.phase === 'failed' && draft.error && <Alert type="error" showIcon title={draft.failure ? errorText(draft.failure) : draft.error} style={{ marginBottom: 12 }} data-testid="intake-error" />}
      {recorded.size > 0 && draft && (
        <Alert
          type="info"
          showIcon
          data-testid="intake-recorded"
          title={t('intake.recorded', {
            list: draft.items
              .filter((i) => recorded.has(i.index))
              .map((i) => t('intake.recordedItem', { name: i.name, exhibitId: i.exhibitId, index: recorded.get(i.index)!.index }))
              .join(t('intake.listSeparator')),
          })}
          action={
            <Space orientation="vertical" size={4}>
              <Button size="small" onClick={() => appActions.openCase(draft.caseId)}>
                {t('intake.openCase')}
              </Button>
              <Button size="small" onClick={() => void intakeActions.setAsideRecorded()} data-testid="intake-recorded-remove">
                {t('intake.recordedRemove')}
              </Button>
            </Space>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {idProblems.length > 0 && <Alert type="warning" showIcon title={t('intake.idProblem', { ids: idProblems.map((i) => i.exhibitId || '—').join(', ') })} style={{ marginBottom: 12 }} />}

      {draft && draft.items.length > 0 && caseId && (
        <Table<DraftItem>
          data-testid="intake-items"
          size="small"
          rowKey="index"
          pagination={pageRows(draft.items.length, (count) => t('intake.rows', { count }))}
          dataSource={draft.items}
          expandable={{ expandedRowRender: (item) => <MetadataForm item={item} />, expandRowByClick: false }}
          columns={[
            {
              title: t('intake.include'),
              width: 64,
              render: (_v, i) => (
                <Checkbox
                  checked={i.include && !recorded.has(i.index)}
                  disabled={i.error !== null || i.sha256 === null || recorded.has(i.index)}
                  aria-label={t('intake.includeItem', { name: i.name })}
                  onChange={(e) => void intakeActions.editRow(i.index, { include: e.target.checked })}
                />
              ),
            },
            {
              title: t('intake.file'),
              render: (_v, i) => (
                <div>
                  <div className="file-name">{i.name}</div>
                  {i.error && (
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {i.errorCode && i18n.exists(`intakeError.${i.errorCode}`) ? t(`intakeError.${i.errorCode}`) : i.error}
                    </Typography.Text>
                  )}
                  {recorded.has(i.index) && (
                    <Tag color="success" style={{ marginTop: 2 }} data-testid="recorded-tag">
                      {t('intake.recordedTag', { index: recorded.get(i.index)!.index })}
                    </Tag>
                  )}
                  {i.duplicateOf && !recorded.has(i.index) && (
                    <Tag color="warning" icon={<WarningFilled />} style={{ marginTop: 2 }}>
                      {t('intake.duplicate', { of: i.duplicateOf })}
                    </Tag>
                  )}
                </div>
              ),
            },
            { title: t('intake.size'), dataIndex: 'size', width: 90, align: 'right', render: (v: number | null) => (v === null ? '—' : formatBytes(v, lng)) },
            { title: 'SHA-256', width: 210, render: (_v, i) => (i.sha256 ? <HashText value={i.sha256} short label="SHA-256" /> : '—') },
            {
              title: t('intake.exhibitId'),
              width: 170,
              render: (_v, i) => (
                <DraftText
                  size="small"
                  className="mono"
                  value={i.exhibitId}
                  disabled={recorded.has(i.index)}
                  status={i.include && !recorded.has(i.index) && (usedIds.has(i.exhibitId) || !i.exhibitId.trim()) ? 'error' : ''}
                  aria-label={t('intake.exhibitIdFor', { name: i.name })}
                  onSave={(exhibitId) => void intakeActions.editRow(i.index, { exhibitId })}
                />
              ),
            },
            {
              title: t('intake.description'),
              width: 260,
              render: (_v, i) => (
                <DraftText
                  size="small"
                  value={i.description}
                  placeholder={t('intake.descriptionHint')}
                  aria-label={t('intake.descriptionFor', { name: i.name })}
                  onSave={(description) => void intakeActions.editRow(i.index, { description })}
                />
              ),
            },
          ]}
        />
      )}
      {draft && draft.items.length > 0 && (
        <Space style={{ marginTop: 8 }}>
          <Tooltip title={t('intake.savedHelp')}>
            <Typography.Text type="secondary" data-testid="draft-saved">
              {t('intake.saved')}
            </Typography.Text>
          </Tooltip>
        </Space>
      )}
      {wizard && (
        <DepositWizard
          draft={wizard.draft}
          items={wizard.items}
          onClose={intakeActions.closeWizard}
        />
      )}
    </>
  );
}
