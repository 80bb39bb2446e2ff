// Intake: drop files or folders, watch them staged (web) and hashed with per-file and total progress, rate and
// ETA; errors per file in plain words; duplicates flagged; exhibit metadata per item. The draft lives in the
// Dexie workspace, so a reload or a crash loses nothing typed; the deposition wizard takes it from there.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Checkbox, Empty, Form, Input, Progress, Select, Space, Table, Tag, Tooltip, Typography, Upload, type InputProps } from 'antd';
import { CloudUploadOutlined, DeleteOutlined, InboxOutlined, StopOutlined, WarningFilled } from '@ant-design/icons';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { CaseSummary, DroppedItem, ExhibitSummary, IntakeBatch, IntakeItem, IntakeProgress } from '../../../app/contract/api';
import { droppedItems } from '../transport/drop';
import { unwrap, ws } from '../host';
import { errorText } from '../i18n';
import { appActions, useApp } from '../stores/app';
import { statusActions } from '../stores/status';
import { useLedger } from '../stores/ledger';
import { draftEdits, dropDraft, patchDraft, patchItem, readDraft, replaceDraftItems, saveDraft, suggestExhibitIds, withEdits, workspace, type DraftItem, type IntakeDraft } from '../workspace/db';
import { BatchSettler } from '../core/batch-settle';
import { formatBytes, formatDuration, formatRate } from '../core/format';
import { HashText } from '../components/HashText';
import { pageRows } from '../components/paging';
import { DepositWizard } from './DepositWizard';

/** Builds the draft's items from a finished intake batch: exhibit numbers suggested, duplicates flagged. */
export function draftItems(caseId: string, items: IntakeItem[], caseExhibits: ExhibitSummary[], errorWords: (i: IntakeItem) => string): DraftItem[] {
  const files = items.filter((i) => i.kind === 'file');
  const ids = suggestExhibitIds(caseId, files.length, new Set(caseExhibits.map((e) => e.exhibitId)));
  const bySha = new Map(caseExhibits.map((e) => [e.sha256, e.exhibitId]));
  const firstName = new Map<string, string>();
  return files.map((i, n) => {
    const sha = i.hashes?.sha256 ?? null;
    let duplicateOf: string | null = null;
    if (sha && bySha.has(sha)) duplicateOf = bySha.get(sha)!;
    else if (sha && firstName.has(sha)) duplicateOf = firstName.get(sha)!;
    if (sha && !firstName.has(sha)) firstName.set(sha, i.name);
    return {
      index: i.index,
      name: i.name,
      displayPath: i.displayPath,
      path: i.path,
      size: i.size,
      sha256: sha,
      mediaType: i.mediaType,
      error: i.error ? errorWords(i) : null,
      errorCode: i.error?.code ?? null,
      duplicateOf,
      include: i.error === null && duplicateOf === null,
      exhibitId: ids[n]!,
      description: '',
      seizedAt: '',
      seizedPlace: '',
      seizedBy: '',
      notes: '',
    };
  });
}

/**
 * What the deposit button takes from a draft. A row whose exhibit number the case already holds with the same
 * SHA-256 is recorded already (deposited just before the workstation restarted, or from another window): it is
 * set aside, not deposited again. The other rows need numbers that are filled in, unique and not yet used.
 */
export function draftState(items: DraftItem[], caseExhibits: ExhibitSummary[]): { recorded: Map<number, ExhibitSummary>; included: DraftItem[]; idProblems: DraftItem[]; usedIds: Set<string> } {
  const byId = new Map(caseExhibits.map((e) => [e.exhibitId, e]));
  const recorded = new Map<number, ExhibitSummary>();
  for (const i of items) {
    const e = byId.get(i.exhibitId);
    if (e && i.sha256 !== null && e.sha256 === i.sha256) recorded.set(i.index, e);
  }
  const included = items.filter((i) => i.include && i.sha256 !== null && i.error === null && !recorded.has(i.index));
  // Counted once (a drop of thousands of rows made a pairwise check take seconds per keystroke).
  const uses = new Map<string, number>();
  for (const i of included) uses.set(i.exhibitId, (uses.get(i.exhibitId) ?? 0) + 1);
  const idProblems = included.filter((i) => !i.exhibitId.trim() || byId.has(i.exhibitId) || (uses.get(i.exhibitId) as number) > 1);
  return { recorded, included, idProblems, usedIds: new Set(byId.keys()) };
}

function useCases(): CaseSummary[] | undefined {
  const revision = useLedger((s) => s.revision);
  const [cases, setCases] = useState<CaseSummary[]>();
  useEffect(() => {
    void unwrap(ws().cases.list({})).then(setCases, () => setCases([]));
  }, [revision]);
  return cases;
}

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

function MetadataForm({ caseId, item }: { caseId: string; item: DraftItem }) {
  const { t } = useTranslation();
  return (
    <Form
      layout="vertical"
      size="small"
      initialValues={item}
      onValuesChange={(changed: Partial<DraftItem>) => void patchItem(caseId, item.index, changed)}
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
  const openCase = useApp((s) => s.caseId);
  const cases = useCases();
  const [caseId, setCaseId] = useState<string | undefined>(openCase);
  const [progress, setProgress] = useState<IntakeProgress>();
  const [staged, setStaged] = useState<{ done: number; total: number }>();
  // The wizard keeps the draft it was opened with: the live draft is dropped once everything is witnessed.
  const [wizard, setWizard] = useState<{ draft: IntakeDraft; items: DraftItem[] }>();
  const [exhibits, setExhibits] = useState<ExhibitSummary[]>([]);
  const pending = useRef<File[]>([]);
  const lng = i18n.language;
  const revision = useLedger((s) => s.revision);

  useEffect(() => {
    if (!caseId && cases && cases.length > 0) setCaseId(openCase ?? cases[0]!.caseId);
  }, [cases, caseId, openCase]);
  // Read again as the verified ledger grows, so a row recorded meanwhile shows as recorded.
  useEffect(() => {
    if (caseId) void unwrap(ws().cases.exhibits({ caseId })).then(setExhibits, () => setExhibits([]));
  }, [caseId, revision]);

  // The draft and its row edits are watched apart, so a keystroke (one small edit record) does not read the
  // whole draft again.
  const savedDraft = useLiveQuery(() => (caseId ? workspace.drafts.get(caseId) : undefined), [caseId]);
  const edits = useLiveQuery(() => (caseId ? draftEdits(caseId) : []), [caseId]);
  const draft = useMemo(() => (savedDraft && edits ? withEdits(savedDraft, edits) : undefined), [savedDraft, edits]);

  const errorWords = (i: IntakeItem) => (i.error ? (i18n.exists(`intakeError.${i.error.code}`) ? t(`intakeError.${i.error.code}`) : i.error.message) : '');

  // Settles a batch (core/batch-settle.ts: once, from the finished event or the screen's own check): its items
  // become the draft's rows, only while the draft still names the batch.
  const settleBatch = async (batchId: string, batch: IntakeBatch, cid: string) => {
    statusActions.setActivity(undefined);
    setProgress(undefined);
    if (batch.state !== 'done' || !batch.result) {
      await patchDraft(cid, { phase: 'failed', error: batch.error ? errorText(batch.error) : t('intake.cancelled'), failure: batch.error ?? { code: 'E_INTAKE_CANCELLED', message: 'The intake was cancelled.' } });
      return;
    }
    const ex = await unwrap(ws().cases.exhibits({ caseId: cid }));
    const d = await readDraft(cid);
    if (d?.batchId !== batchId) return;
    const keep = (d?.items ?? []).filter((i) => i.sha256 !== null);
    const fresh = draftItems(cid, batch.result.items, [...ex, ...keep.map((k) => ({ exhibitId: k.exhibitId, sha256: k.sha256 ?? '' }) as ExhibitSummary)], errorWords);
    // Row keys stay unique when a second drop adds to a draft that already has rows.
    const base = keep.reduce((m, k) => Math.max(m, k.index + 1), 0);
    await replaceDraftItems(cid, [...keep, ...fresh.map((f, n) => ({ ...f, index: base + n }))], { phase: 'ready', batchId: null, error: null });
  };
  const settleRef = useRef(settleBatch);
  settleRef.current = settleBatch;
  const settler = useRef(new BatchSettler<IntakeBatch, string>((batchId) => unwrap(ws().intake.get({ batchId })), (id, b, cid) => settleRef.current(id, b, cid)));

  // Host events for the running batch; on reload, pick the batch up again from the draft.
  useEffect(() => {
    const w = ws();
    const offP = w.onIntakeProgress((p) => {
      if (!draft || p.batchId !== draft.batchId) return;
      setProgress(p);
      statusActions.setActivity({ kind: 'intake', label: draft.dropped.join(', '), bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rate: p.rate, etaSeconds: p.etaSeconds });
    });
    const offF = w.onIntakeFinished((f) => {
      if (draft && f.batchId === draft.batchId) void settler.current.finished(f.batchId, draft.caseId);
    });
    if (draft?.phase === 'hashing' && draft.batchId) void settler.current.check(draft.batchId, draft.caseId);
    return () => {
      offP();
      offF();
    };
  }, [draft?.batchId, draft?.phase]);

  const startBatch = async (dropped: DroppedItem<File>[]) => {
    if (!caseId || dropped.length === 0) return;
    const cid = caseId;
    const w = ws();
    const prev = await readDraft(cid);
    // A dropped folder shows as its name once, not as every file inside it.
    const names = [...new Set(dropped.map((d) => (d.relativePath ? d.relativePath.split('/')[0]! : d.file.name)))];
    await saveDraft({ caseId: cid, phase: 'staging', batchId: null, dropped: names, items: prev?.items ?? [], error: null, updatedAt: '' });
    const started = Date.now();
    const staged = await w.shell.stageFiles(
      dropped,
      (done, total) => {
        setStaged({ done, total });
        const secs = (Date.now() - started) / 1000;
        const rate = secs > 0 ? done / secs : 0;
        statusActions.setActivity({ kind: 'upload', label: names.join(', '), bytesDone: done, bytesTotal: total, rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
      },
    );
    setStaged(undefined);
    statusActions.setActivity(undefined);
    if (!staged.ok) {
      await patchDraft(cid, { phase: 'failed', error: errorText(staged.error), failure: staged.error });
      return;
    }
    const r = await w.intake.start({ paths: staged.value.paths });
    if (!r.ok) {
      await patchDraft(cid, { phase: 'failed', error: errorText(r.error), failure: r.error });
      return;
    }
    await patchDraft(cid, { phase: 'hashing', batchId: r.value.batchId });
  };

  const { recorded, included, idProblems, usedIds } = useMemo(() => draftState(draft?.items ?? [], exhibits), [draft?.items, exhibits]);
  const setAsideRecorded = async () => {
    if (!draft) return;
    const rest = draft.items.filter((i) => !recorded.has(i.index));
    if (rest.length === 0) await dropDraft(draft.caseId);
    else await replaceDraftItems(draft.caseId, rest);
  };

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
          onChange={setCaseId}
          options={(cases ?? []).map((c) => ({ value: c.caseId, label: `${c.caseId} — ${c.title}` }))}
        />
        <span className="grow" />
        {draft && !busy && (
          <Button icon={<DeleteOutlined />} onClick={() => void dropDraft(draft.caseId)}>
            {t('intake.discard')}
          </Button>
        )}
        <Button
          type="primary"
          icon={<CloudUploadOutlined />}
          disabled={!draft || busy || included.length === 0 || idProblems.length > 0}
          onClick={() => draft && setWizard({ draft, items: included })}
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
          void droppedItems(e.dataTransfer, ws().shell.kind).then(startBatch);
        }}
      >
      <Upload.Dragger
        multiple
        showUploadList={false}
        disabled={!caseId || busy}
        beforeUpload={(file, list) => {
          // Called once per file with the whole drop: take the drop when its first file arrives.
          if (file === list[0]) {
            pending.current = [...list];
            void startBatch(pending.current.map((f) => ({ file: f, ...(f.webkitRelativePath ? { relativePath: f.webkitRelativePath } : {}) })));
          }
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
            <Button size="small" icon={<StopOutlined />} onClick={() => draft.batchId && void ws().intake.cancel({ batchId: draft.batchId })}>
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
              <Button size="small" onClick={() => void setAsideRecorded()} data-testid="intake-recorded-remove">
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
          expandable={{ expandedRowRender: (item) => <MetadataForm caseId={caseId} item={item} />, expandRowByClick: false }}
          columns={[
            {
              title: t('intake.include'),
              width: 64,
              render: (_v, i) => (
                <Checkbox
                  checked={i.include && !recorded.has(i.index)}
                  disabled={i.error !== null || i.sha256 === null || recorded.has(i.index)}
                  aria-label={t('intake.includeItem', { name: i.name })}
                  onChange={(e) => void patchItem(caseId, i.index, { include: e.target.checked })}
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
                  onSave={(exhibitId) => void patchItem(caseId, i.index, { exhibitId })}
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
                  onSave={(description) => void patchItem(caseId, i.index, { description })}
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
          onClose={(deposited) => {
            setWizard(undefined);
            if (deposited) appActions.openCase(wizard.draft.caseId);
          }}
        />
      )}
    </>
  );
}
